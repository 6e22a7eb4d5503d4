import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, Database } from '../db/open-database';
import { loadCsv, LoadSummary } from '../ingest/load-csv';
import { LoaderError } from '../errors';
import { REJECT_REASONS } from '../ingest/reject-reasons';
import type { CliIo } from './cli-io';
import { createProgressReporter, formatCount } from './progress';
import { describeError, exitCodeFor, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { resolveDatabaseUrl, resolveUserPath } from './cli-paths';
import { writeAnswers, parseAnalysisFlags, ANALYSIS_FLAG_OPTIONS } from './answers-step';
import { joinNegativeValues } from './analyze-command';

export const LOAD_USAGE = `usage: realxdeal-loader start <file.csv> [options]

Loads a postings CSV into the database (rejected rows go to a reject CSV),
then writes the answers to the five market questions.

  --database-url URL    mysql://user:pass@host:3306/db or sqlite:path (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  --reject-file PATH    where rejected rows go (default: <file.csv>.rejects.csv)
  --summary-json PATH   also write the load summary as JSON
  --batch-size N        rows handed to the database writer at a time (default 1000)
  --dry-run             validate and report only; nothing is written to the database
  --out DIR             folder for the answer CSVs (default: beside the input file)
  --no-analysis         load only; do not write the answers
  --month YYYY-MM       month for questions 3-5 (default: the month holding most postings)
  --drop N, --spike N   alert thresholds in percent (default -70 and 200)
  --quiet               no progress output
`;

/** `start`: load a file, print a summary, then answer the questions. */
export async function runLoadCommand(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      // `--drop -70` would otherwise read -70 as a flag.
      args: joinNegativeValues(argv, ['--drop', '--spike']),
      allowPositionals: true,
      strict: true,
      options: {
        'database-url': { type: 'string' },
        'reject-file': { type: 'string' },
        'summary-json': { type: 'string' },
        'batch-size': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'no-analysis': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...ANALYSIS_FLAG_OPTIONS,
      },
    });
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n\n${LOAD_USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(LOAD_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`error: give exactly one CSV file to load${positionals.length > 1 ? ` (got ${positionals.length})` : ''}\n\n${LOAD_USAGE}`);
    return EXIT_USAGE;
  }

  let db: Database | null = null;
  try {
    const batchSize = parseBatchSize(values['batch-size']);
    const analysis = parseAnalysisFlags(values);
    const file = resolveUserPath(positionals[0], io.env);
    if (!fs.existsSync(file)) throw new LoaderError('LOADER_FILE_NOT_FOUND', `no such file: ${positionals[0]}`);
    const dryRun = values['dry-run'] ?? false;
    if (!dryRun) db = await openDatabase(resolveDatabaseUrl(values['database-url'] ?? io.env.DATABASE_URL, io.env));

    const progress = values.quiet ? null : createProgressReporter(io.stderr, io.isTTY);
    const summary = await loadCsv(db, file, {
      batchSize,
      dryRun,
      rejectFile: values['reject-file'] ? resolveUserPath(values['reject-file'], io.env) : undefined,
      onProgress: progress ? (p) => progress.update(p) : undefined,
    });
    progress?.done();
    io.stdout.write(formatSummary(summary, db?.description ?? null));
    if (values['summary-json']) writeSummaryJson(resolveUserPath(values['summary-json'], io.env), summary);

    if (db && !values['no-analysis']) {
      const outDir = values.out ? resolveUserPath(values.out, io.env) : path.dirname(file);
      await writeAnswers(db, outDir, analysis, io);
    }
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`${describeError(error, io.env)}\n`);
    return exitCodeFor(error);
  } finally {
    await db?.close();
  }
}

function parseBatchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new LoaderError('LOADER_BAD_OPTION', `--batch-size must be a positive whole number, got ${value}`);
  }
  return n;
}

/** The contract's summary JSON, plus a few fields a script may want. */
export function summaryJson(summary: LoadSummary): Record<string, unknown> {
  const rejectedByReason: Record<string, number> = {};
  for (const reason of REJECT_REASONS) if (summary.rejectedByReason[reason] > 0) rejectedByReason[reason] = summary.rejectedByReason[reason];
  return {
    rowsRead: summary.rowsRead,
    rowsLoaded: summary.rowsLoaded,
    rowsReplaced: summary.rowsReplaced,
    rowsRejected: summary.rowsRejected,
    rejectedByReason,
    seconds: Number(summary.seconds.toFixed(3)),
    source: summary.source,
    sha256: summary.sha256,
    rejectFile: summary.rejectFile,
    dryRun: summary.dryRun,
  };
}

function writeSummaryJson(file: string, summary: LoadSummary): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(summaryJson(summary), null, 2)}\n`);
}

export function formatSummary(summary: LoadSummary, database: string | null): string {
  const name = path.basename(summary.source);
  const lines: string[] = [];
  const where = summary.dryRun ? ' (dry run: nothing written)' : database ? ` into ${database}` : '';
  lines.push(
    `Loaded ${name}${where} in ${summary.seconds.toFixed(2)} s (${formatCount(summary.rowsPerSecond)} rows/s)`,
  );
  const width = formatCount(summary.rowsRead).length;
  const row = (label: string, n: number, note = ''): string => `  ${label.padEnd(10)}${formatCount(n).padStart(width)}${note}`;
  lines.push(row('read', summary.rowsRead));
  lines.push(row('loaded', summary.rowsLoaded));
  lines.push(row('replaced', summary.rowsReplaced));
  lines.push(row('rejected', summary.rowsRejected, summary.rejectFile && summary.rowsRejected > 0 ? `  -> ${summary.rejectFile}` : ''));
  for (const reason of REJECT_REASONS) {
    const n = summary.rejectedByReason[reason];
    if (n > 0) lines.push(`    ${reason.padEnd(18)}${formatCount(n).padStart(width)}`);
  }
  return `${lines.join('\n')}\n`;
}
