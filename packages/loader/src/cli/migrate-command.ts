import { migrate } from '../db/migrate';
import type { CliIo } from './cli-io';
import { parseCommandArgs, withDatabase } from './run-command';

export const MIGRATE_USAGE = `usage: realxdeal-loader migrate [--database-url URL]

Brings the database schema up to date (a PaaS release step); loads do this too.

  --database-url URL   as for start (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  -h, --help           this text
`;

export async function runMigrateCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    { 'database-url': { type: 'string' } },
    MIGRATE_USAGE,
    io,
  );
  if (parsed.exit !== undefined) return parsed.exit;
  return withDatabase(io, parsed.values['database-url'], async (db) => {
    await migrate(db);
    io.stdout.write(`schema of ${db.description} is up to date\n`);
  });
}
