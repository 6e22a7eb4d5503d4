import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisOptions } from 'analysis';
import type { Database } from '../db/open-database';
import { loadCsv, LoadSummary } from '../ingest/load-csv';
import { WRITE_PATH_CHOICES, type WritePathChoice } from '../ingest/mysql-writer';
import { LoaderError, LoaderErrorCode } from '../errors';
import { REJECT_REASONS } from '../ingest/reject-reasons';
import type { CliIo } from './cli-io';
import { createProgressReporter, formatCount } from './progress';
import { EXIT_DATABASE, EXIT_OK, EXIT_USAGE, reportError } from './exit-codes';
import { resolveUserPath } from './cli-paths';
import { writeAnswers, parseAnalysisFlags, ANALYSIS_FLAG_OPTIONS } from './answers-step';
import { storeAnswers } from 'analysis';
import { expandInputs } from './input-files';
import { parseCommandArgs, runJob, withDatabase } from './run-command';

export const LOAD_USAGE = `usage: realxdeal-loader start <file.csv|folder>... [options]

Loads postings CSVs into the database (rejected rows go to a reject CSV),
then computes the answers to the five market questions, stores them in the
database (the server's /analysis reads them) and writes them as CSV files. Several files load one
after another, in the order given (a later file wins on a repeated uuid); a
folder means its *.csv files in name order, without reject and answer files.
Each file is its own load with its own reject file; a file refused whole is
reported and the others still load; the exit status is the worst one. The
answers are computed once, after the last file.

  --database-url URL    mysql://user:pass@host:3306/db or sqlite:path (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  --reject-file PATH    where rejected rows go (one file only; default: <file.csv>.rejects.csv)
  --summary-json PATH   also write the load summary as JSON (several files: an array, one per file)
  --batch-size N        rows handed to the database writer at a time (default 1000)
  --max-record-bytes N  record-length limit in bytes (default 1048576 = 1 MiB): a longer record,
                        e.g. an opening quote that never closes, is rejected as column_count at its
                        first line and reading resumes on the next line
  --write-path PATH     auto, load-data or insert (default auto: MySQL/MariaDB LOAD DATA LOCAL
                        INFILE where the server allows it, else multi-row upserts; SQLite inserts)
  --dry-run             validate and report only; nothing is written to the database
  --out DIR             folder for the answer CSVs (default: beside the first input file, or in the first folder)
  --no-analysis         load only; remove the stored answers (run analyze later)
  --month YYYY-MM       month for questions 3-5 (default: the month holding most postings; latest: the newest)
  --drop N, --spike N   alert thresholds in percent (default -70 and 200)
  --quiet               no progress output
  -h, --help            this text
`;

/** `start`: load a file, print a summary, then answer the questions. */
export async function runLoadCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      'database-url': { type: 'string' },
      'reject-file': { type: 'string' },
      'summary-json': { type: 'string' },
      'batch-size': { type: 'string' },
      'max-record-bytes': { type: 'string' },
      'write-path': { type: 'string', default: 'auto' },
      'dry-run': { type: 'boolean', default: false },
      'no-analysis': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      ...ANALYSIS_FLAG_OPTIONS,
    },
    LOAD_USAGE,
    io,
    { allowPositionals: true, negativeValues: ['--drop', '--spike'] },
  );
  if (parsed.exit !== undefined) return parsed.exit;
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.stderr.write(`error: give at least one CSV file or folder to load\n\n${LOAD_USAGE}`);
    return EXIT_USAGE;
  }

  // Every flag and input is checked before the database is touched.
  let batchSize: number | undefined;
  let maxRecordBytes: number | undefined;
  let writePath: WritePathChoice;
  let analysis: AnalysisOptions;
  let inputs: ReturnType<typeof expandInputs>;
  try {
    batchSize = parsePositiveWhole('--batch-size', values['batch-size']);
    maxRecordBytes = parsePositiveWhole('--max-record-bytes', values['max-record-bytes']);
    writePath = parseWritePath(values['write-path']);
    analysis = parseAnalysisFlags(values);
    inputs = expandInputs(positionals, io.env);
    if (values['reject-file'] && inputs.entries.length > 1) {
      throw new LoaderError(
        LoaderErrorCode.BAD_OPTION,
        `--reject-file names one reject file, but ${inputs.entries.length} files are to be loaded; leave it out to get <file>.rejects.csv beside each`,
      );
    }
  } catch (error) {
    return reportError(error, io);
  }
  const { entries, answerDir } = inputs;
  const dryRun = values['dry-run'] ?? false;

  const loadAll = async (db: Database | null): Promise<number> => {
    let worst = EXIT_OK;
    const results: LoadResult[] = [];
    const report = (source: string, error: unknown): number => {
      const code = reportError(error, io);
      results.push({ source, error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' });
      worst = Math.max(worst, code);
      return code;
    };
    let loaded = 0;
    let lastRunId: number | null = null;
    for (const [i, entry] of entries.entries()) {
      if (entry.kind === 'missing') {
        report(entry.given, new LoaderError(LoaderErrorCode.FILE_NOT_FOUND, entry.message));
        continue;
      }
      try {
        const progress = values.quiet ? null : createProgressReporter(io.stderr, io.isTTY);
        const summary = await loadCsv(db, entry.file, {
          batchSize,
          maxRecordBytes,
          dryRun,
          writePath,
          rejectFile: values['reject-file'] ? resolveUserPath(values['reject-file'], io.env) : undefined,
          onProgress: progress ? (p) => progress.update(p) : undefined,
          // Computed once, after the last file (below); until then none are stored.
          answers: false,
        });
        progress?.done();
        io.stdout.write(formatSummary(summary, db?.description ?? null));
        results.push(summary);
        loaded++;
        lastRunId = summary.runId;
      } catch (error) {
        if (report(entry.file, error) === EXIT_DATABASE) {
          // Without the database no later file can load either.
          const skipped = entries.slice(i + 1).map((e) => (e.kind === 'file' ? path.basename(e.file) : e.given));
          if (skipped.length > 0) io.stderr.write(`not loaded after the database failed: ${skipped.join(', ')}\n`);
          break;
        }
      }
    }
    if (values['summary-json']) writeSummaryJson(resolveUserPath(values['summary-json'], io.env), results, entries.length === 1);

    if (db && loaded > 0 && !values['no-analysis']) {
      const outDir = values.out ? resolveUserPath(values.out, io.env) : answerDir;
      await storeAnswers(db.knex, { loadRunId: lastRunId });
      await writeAnswers(db, outDir, analysis, io);
    }
    return worst;
  };
  // A dry run, or nothing but missing files, needs no database.
  const needsDatabase = !dryRun && entries.some((e) => e.kind === 'file');
  return needsDatabase ? withDatabase(io, values['database-url'], loadAll) : runJob(io, () => loadAll(null));
}

/** What `start` reports per file: its summary, or why it was not loaded. */
type LoadResult = LoadSummary | { source: string; error: string };

function parsePositiveWhole(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new LoaderError(LoaderErrorCode.BAD_OPTION, `${flag} must be a positive whole number, got ${value}`);
  }
  return n;
}

function parseWritePath(value: string | undefined): WritePathChoice {
  const choice = (WRITE_PATH_CHOICES as readonly string[]).find((c) => c === value);
  if (choice === undefined) {
    throw new LoaderError(LoaderErrorCode.BAD_OPTION, `--write-path must be one of ${WRITE_PATH_CHOICES.join(', ')}, got ${value}`);
  }
  return choice as WritePathChoice;
}

/** The contract's summary JSON, plus a few fields a script may want. */
export function summaryJson(summary: LoadSummary): Record<string, unknown> {
  const rejectedByReason: Record<string, number> = {};
  for (const reason of REJECT_REASONS)
    if (summary.rejectedByReason[reason] > 0) rejectedByReason[reason] = summary.rejectedByReason[reason];
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
    writePath: summary.writePath,
  };
}

/**
 * One input: the contract's summary object (none when the file was refused,
 * as before). Several: an array in load order, a file not loaded as
 * {source, error}.
 */
function writeSummaryJson(file: string, results: LoadResult[], single: boolean): void {
  const json = results.map((r) => ('error' in r ? r : summaryJson(r)));
  if (single && 'error' in (results[0] ?? { error: '' })) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(single ? json[0] : json, null, 2)}\n`);
}

export function formatSummary(summary: LoadSummary, database: string | null): string {
  const name = path.basename(summary.source);
  const lines: string[] = [];
  const where = summary.dryRun ? ' (dry run: nothing written)' : database ? ` into ${database}` : '';
  lines.push(
    `Loaded ${name}${where} in ${summary.seconds.toFixed(2)} s (${formatCount(summary.rowsPerSecond)} rows/s)` +
      (summary.writePath ? ` via ${summary.writePath}` : ''),
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
