import type { Knex } from 'knex';
import { LoaderError, LoaderErrorCode } from '../errors';
import type { Database } from './open-database';
import * as createPostings from './migrations/20260101000000_create_postings';
import * as createLoadRuns from './migrations/20260101000100_create_load_runs';
import * as loadRunsProcess from './migrations/20261205120000_load_runs_process';
import * as createAnswerTables from './migrations/20261205130000_create_answer_tables';

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
  ['20261205130000_create_answer_tables', createAnswerTables],
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
  await rollbackMigrations(db, { all: true });
}

export interface MigrationState {
  name: string;
  /** `unknown`: recorded as applied, but not a migration of this version (a newer one ran it). */
  state: 'applied' | 'pending' | 'unknown';
  /** The Knex batch that applied it; null while pending. */
  batch: number | null;
}

/** Every migration of this version and every one the database records, in order; like `knex migrate:status`. */
export async function migrationStatus(db: Database | Knex): Promise<MigrationState[]> {
  const knex = knexOf(db);
  // list() creates the bookkeeping tables if missing; validation is off so a
  // database migrated by a newer version is reported, not refused.
  await knex.migrate.list({ ...config, disableMigrationsListValidation: true });
  const applied = (await knex(config.tableName!).select('name', 'batch').orderBy('id')) as Array<{ name: string; batch: number | string }>;
  const known = new Set(MIGRATIONS.map(([name]) => name));
  const done = new Map(applied.map((row) => [row.name, Number(row.batch)]));
  return [
    ...MIGRATIONS.map(([name]): MigrationState => ({ name, state: done.has(name) ? 'applied' : 'pending', batch: done.get(name) ?? null })),
    ...applied
      .filter((row) => !known.has(row.name))
      .map((row): MigrationState => ({ name: row.name, state: 'unknown', batch: Number(row.batch) })),
  ];
}

/**
 * Undoes the last batch of migrations (all of them with `all`), like
 * `knex migrate:rollback [--all]`; returns the names undone, last first.
 */
export async function rollbackMigrations(db: Database | Knex, options: { all?: boolean } = {}): Promise<string[]> {
  const unknown = (await migrationStatus(db)).filter((m) => m.state === 'unknown').map((m) => m.name);
  if (unknown.length > 0) {
    // Knex cannot run a `down` it has no code for; say which version can.
    throw new LoaderError(
      LoaderErrorCode.BAD_OPTION,
      `the database has migrations this version does not have (${unknown.join(', ')}): roll back with the version that applied them`,
    );
  }
  const [, names] = (await knexOf(db).migrate.rollback(config, options.all ?? false)) as [number, string[]];
  return names;
}
