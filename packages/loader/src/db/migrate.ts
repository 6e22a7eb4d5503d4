import type { Knex } from 'knex';
import type { Database } from './open-database';
import * as createPostings from './migrations/20260101000000_create_postings';
import * as createLoadRuns from './migrations/20260101000100_create_load_runs';
import * as loadRunsProcess from './migrations/20261205120000_load_runs_process';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed in code rather than discovered on disk, so the same
 * list runs from `src` under jest and from `dist` after a build.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['20260101000000_create_postings', createPostings],
  ['20260101000100_create_load_runs', createLoadRuns],
  ['20261205120000_load_runs_process', loadRunsProcess],
];

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

const config: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

function knexOf(db: Database | Knex): Knex {
  return 'knex' in db && typeof db.knex === 'function' ? db.knex : (db as Knex);
}

/** Brings the schema up to date; safe to call before every load. */
export async function migrate(db: Database | Knex): Promise<void> {
  await knexOf(db).migrate.latest(config);
}

/** Rolls every migration back; used by tests and by `down` checks. */
export async function migrateDown(db: Database | Knex): Promise<void> {
  await knexOf(db).migrate.rollback(config, true);
}
