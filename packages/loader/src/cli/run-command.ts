import { parseArgs, ParseArgsConfig } from 'node:util';
import { openDatabase, Database } from '../db/open-database';
import type { CliIo } from './cli-io';
import { resolveDatabaseUrl } from './cli-paths';
import { describeError, exitCodeFor, EXIT_OK, EXIT_USAGE } from './exit-codes';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly; a bad flag prints the message and the
 * usage and yields null (exit 1), `--help` prints the usage and yields null
 * (exit 0).
 */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
  usage: string,
  io: CliIo,
): { values: ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values']; exit?: undefined } | { exit: number } {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true });
    if ((values as { help?: boolean }).help) {
      io.stdout.write(usage);
      return { exit: EXIT_OK };
    }
    return { values };
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n\n${usage}`);
    return { exit: EXIT_USAGE };
  }
}

/**
 * Opens the database the user named (flag, then DATABASE_URL, then the
 * embedded default), runs the job, and turns any failure into one line and
 * its exit code. The database is closed whatever happens.
 */
export async function withDatabase(
  io: CliIo,
  databaseUrl: string | undefined,
  job: (db: Database) => Promise<void>,
): Promise<number> {
  let db: Database | null = null;
  try {
    db = await openDatabase(resolveDatabaseUrl(databaseUrl ?? io.env.DATABASE_URL, io.env));
    await job(db);
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`${describeError(error, io.env)}\n`);
    return exitCodeFor(error);
  } finally {
    await db?.close();
  }
}
