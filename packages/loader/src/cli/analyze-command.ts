import { parseArgs } from 'node:util';
import { isAnalysisError, runAll, validateOptions, type AnalysisErrorField } from 'analysis';
import { openDatabase, type Database } from '../db/open-database';
import { migrate } from '../db/migrate';
import { redactUrl } from '../db/database-url';
import type { CliIo } from './cli-io';
import { ANALYSIS_FLAG_OPTIONS, parseAnalysisFlags } from './answers-step';
import { resolveDatabaseUrl, resolveUserPath } from './cli-paths';
import { describeError, exitCodeFor, EXIT_ALERT, EXIT_DATABASE, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { formatReport } from './report';

export const ANALYZE_USAGE = `usage: realxdeal-loader analyze [options]

Answers the five market questions for the postings already in the database,
writes one CSV per question and prints a short report.

  --database-url URL    mysql://user:pass@host:3306/db or sqlite:path (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  --out DIR             folder for the answer CSVs (default: output)
  --month YYYY-MM       month for questions 3-5 (default: the month holding most postings;
                        latest: the newest month with postings)
  --drop N              alert when a day's change is below N percent (default -70)
  --spike N             alert when a day's change is above N percent (default 200)
  --exit-on-alert       exit 4 when question 5 has an alert day (the files are written first)
  -h, --help            this text

Exit status: 0 done, 1 bad flags or answer folder, 2 database problem, 3 a bug,
4 an alert day with --exit-on-alert.
`;

const FLAG_FOR_FIELD: Record<AnalysisErrorField, string> = {
  month: '--month',
  dropThreshold: '--drop',
  spikeThreshold: '--spike',
};

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * parseArgs reads `--drop -70` as a flag without a value followed by an
 * unknown option; the documented form with a negative threshold must work,
 * so such a pair becomes `--drop=-70` first.
 */
export function joinNegativeValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
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

/** Driver and engine failures (refused, timed out, SQL errors), as opposed to bugs. */
function isDatabaseFailure(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (name === 'KnexTimeoutError') return true;
  return typeof code === 'string' && /^(ER_|SQLITE_|PROTOCOL_|ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)/.test(code);
}

function reportFailure(error: unknown, io: CliIo): number {
  if (isAnalysisError(error) && error.field !== undefined && error.reason !== undefined) {
    io.stderr.write(`error: ${FLAG_FOR_FIELD[error.field]} ${error.reason}\n`);
    return EXIT_USAGE;
  }
  if (isDatabaseFailure(error)) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: the database failed: ${redactUrl(message.split('\n')[0] ?? '')}\n`);
    return EXIT_DATABASE;
  }
  io.stderr.write(`${describeError(error, io.env)}\n`);
  return exitCodeFor(error);
}

/** `analyze`: answer the questions for the database as it is. */
export async function runAnalyzeCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv, ['--drop', '--spike']),
      allowPositionals: false,
      strict: true,
      options: {
        'database-url': { type: 'string' },
        'exit-on-alert': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...ANALYSIS_FLAG_OPTIONS,
      },
    }));
  } catch (error) {
    io.stderr.write(`error: ${((error as Error).message.split('\n')[0] ?? '').trim()}\n\n${ANALYZE_USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.stdout.write(ANALYZE_USAGE);
    return EXIT_OK;
  }

  let db: Database | null = null;
  try {
    // Every flag is checked before the database is touched, so a typo
    // costs no connection and is reported as the user's mistake.
    const options = parseAnalysisFlags(values);
    validateOptions(options);
    const outDir = resolveUserPath(values.out ?? 'output', io.env);
    db = await openDatabase(resolveDatabaseUrl(values['database-url'] ?? io.env.DATABASE_URL, io.env));
    // A fresh database gets its (empty) tables, so it reports "no postings
    // yet" instead of failing on a missing table.
    await migrate(db);
    const { answers, files } = await runAll(db.knex, outDir, options);
    io.stdout.write(formatReport(answers, files));
    // A distinct code, not 1, so a scheduler tells "the alert fired" from "the job is broken".
    return values['exit-on-alert'] && answers.q5.length > 0 ? EXIT_ALERT : EXIT_OK;
  } catch (error) {
    return reportFailure(error, io);
  } finally {
    await db?.close();
  }
}
