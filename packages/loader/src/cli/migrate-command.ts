import { parseArgs } from 'node:util';
import { openDatabase, Database } from '../db/open-database';
import { migrate } from '../db/migrate';
import type { CliIo } from './cli-io';
import { describeError, exitCodeFor, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { resolveDatabaseUrl } from './cli-paths';

export const MIGRATE_USAGE = `usage: realxdeal-loader migrate [--database-url URL]

Brings the database schema up to date (a PaaS release step); loads do this too.
`;

export async function runMigrateCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n\n${MIGRATE_USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.stdout.write(MIGRATE_USAGE);
    return EXIT_OK;
  }
  let db: Database | null = null;
  try {
    db = await openDatabase(resolveDatabaseUrl(values['database-url'] ?? io.env.DATABASE_URL, io.env));
    await migrate(db);
    io.stdout.write(`schema of ${db.description} is up to date\n`);
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`${describeError(error, io.env)}\n`);
    return exitCodeFor(error);
  } finally {
    await db?.close();
  }
}
