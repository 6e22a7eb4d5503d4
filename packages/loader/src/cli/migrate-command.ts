import { migrate, migrationStatus, rollbackMigrations, type MigrationState } from '../db/migrate';
import type { CliIo } from './cli-io';
import { EXIT_USAGE } from './exit-codes';
import { parseCommandArgs, withDatabase } from './run-command';

export const MIGRATE_USAGE = `usage: realxdeal-loader migrate [--status | --rollback [--all]] [--database-url URL]

Brings the database schema up to date (a PaaS release step); loads, train and
the server do this too. The migrations are Knex's, recorded in the
knex_migrations table, and these flags do what knex migrate:status and
migrate:rollback do:

  --status             list every migration: applied (with its batch) or pending
  --rollback           undo the last batch of migrations (drops what they created,
                       rows included); a load or a server start migrates up again
  --all                with --rollback: undo every batch
  --database-url URL   as for start (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  -h, --help           this text
`;

export async function runMigrateCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      'database-url': { type: 'string' },
      status: { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
    MIGRATE_USAGE,
    io,
  );
  if (parsed.exit !== undefined) return parsed.exit;
  const { status, rollback, all } = parsed.values;
  const conflict = status && rollback ? 'give --status or --rollback, not both' : all && !rollback ? '--all goes with --rollback' : null;
  if (conflict !== null) {
    io.stderr.write(`error: ${conflict}\n\n${MIGRATE_USAGE}`);
    return EXIT_USAGE;
  }
  return withDatabase(io, parsed.values['database-url'], async (db) => {
    if (status) {
      io.stdout.write(formatStatus(db.description, await migrationStatus(db)));
    } else if (rollback) {
      const undone = await rollbackMigrations(db, { all });
      io.stdout.write(
        undone.length === 0
          ? `nothing to roll back in ${db.description}\n`
          : `rolled back ${undone.length} migration${undone.length === 1 ? '' : 's'} of ${db.description}:\n${undone.map((n) => `  ${n}\n`).join('')}`,
      );
    } else {
      await migrate(db);
      io.stdout.write(`schema of ${db.description} is up to date\n`);
    }
  });
}

function formatStatus(description: string, migrations: MigrationState[]): string {
  const count = (state: MigrationState['state']) => migrations.filter((m) => m.state === state).length;
  const lines = migrations.map((m) => {
    const state = m.state === 'pending' ? 'pending' : 'applied';
    const batch = m.batch === null ? '' : `batch ${m.batch}`;
    return `  ${state}  ${batch.padEnd(8)}  ${m.name}${m.state === 'unknown' ? '  (not a migration of this version)' : ''}`;
  });
  const unknown = count('unknown');
  const summary = `${count('applied') + unknown} applied, ${count('pending')} pending${unknown > 0 ? ` (${unknown} from a newer version)` : ''}`;
  return `migrations of ${description}:\n${lines.join('\n')}\n${summary}\n`;
}
