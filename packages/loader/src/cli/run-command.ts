import { parseArgs, ParseArgsConfig } from 'node:util';
import { openDatabase, Database } from '../db/open-database';
import type { CliIo } from './cli-io';
import { resolveDatabaseUrl } from './cli-paths';
import { EXIT_OK, EXIT_USAGE, reportError } from './exit-codes';

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ options: T & HelpOption; strict: true; allowPositionals: true }>>;

export interface ParseExtras {
  /** Operands after the flags (`start <file>...`); refused unless set. */
  readonly allowPositionals?: boolean;
  /** Flags whose value may be a negative number: `--drop -70`. */
  readonly negativeValues?: readonly string[];
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * parseArgs reads `--drop -70` as a flag without a value followed by an
 * unknown option; the documented form with a negative number must work, so
 * such a pair becomes `--drop=-70` first.
 */
export function joinNegativeValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (flags.includes(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * The one flag parser of every command (the loader's and the generator's):
 * strict, `-h`/`--help` always, a flag given twice refused (which value was
 * meant?). A bad flag prints its message and the usage and yields exit 1;
 * `--help` prints the usage and yields exit 0.
 */
export function parseCommandArgs<T extends Options>(
  argv: readonly string[],
  options: T,
  usage: string,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  extras: ParseExtras = {},
): { values: Parsed<T>['values']; positionals: string[]; exit?: undefined } | { exit: number } {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: joinNegativeValues(argv, extras.negativeValues ?? []),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: extras.allowPositionals ?? false,
      tokens: true,
    });
    if ((values as { help?: boolean }).help) {
      io.stdout.write(usage);
      return { exit: EXIT_OK };
    }
    const seen = new Set<string>();
    for (const token of tokens) {
      if (token.kind !== 'option') continue;
      if (seen.has(token.name)) throw new Error(`--${token.name} given twice`);
      seen.add(token.name);
    }
    return { values, positionals };
  } catch (error) {
    io.stderr.write(`error: ${((error as Error).message.split('\n')[0] ?? '').trim()}\n\n${usage}`);
    return { exit: EXIT_USAGE };
  }
}

/**
 * Runs a command's work and turns any failure into one line and its exit
 * code (exit-codes.ts); the work may return its own code (`analyze
 * --exit-on-alert`, the worst of several loads).
 */
export async function runJob(io: Pick<CliIo, 'stderr' | 'env'>, job: () => Promise<number | void>): Promise<number> {
  try {
    return (await job()) ?? EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * Opens the database the user named (flag, then DATABASE_URL, then the
 * embedded default), runs the job as runJob does, and closes the database
 * whatever happens.
 */
export async function withDatabase(
  io: CliIo,
  databaseUrl: string | undefined,
  job: (db: Database) => Promise<number | void>,
): Promise<number> {
  let db: Database | null = null;
  try {
    return await runJob(io, async () => {
      db = await openDatabase(resolveDatabaseUrl(databaseUrl ?? io.env.DATABASE_URL, io.env));
      return job(db);
    });
  } finally {
    await (db as Database | null)?.close();
  }
}
