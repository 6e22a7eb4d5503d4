/**
 * One timed load in its own process, for bench-load, so that loads never
 * share a heap and the peak RSS is that load's alone. Prints one JSON line
 * (a LoadRunResult) on stdout.
 *
 *   node load-runner.js ours --url URL --input FILE [--write-path auto|load-data|insert] [--rows-per-transaction N]
 *        [--no-answers]
 *     loadCsv, exactly as the CLI runs it (reject file included when given);
 *     --no-answers skips computing the stored answers after the (timed) load
 *   node load-runner.js mysql-reference --url URL --input FILE [--input FILE …]
 *     MariaDB/MySQL's own bulk path on a pre-cleaned file: LOAD_DATA_REFERENCE_SQL;
 *     with several files (pieces of one file, each with the header), one
 *     statement per file, each in its own transaction.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { loadCsv, migrate, openDatabase, WRITE_PATH_CHOICES, type WritePathChoice } from 'loader';

export interface LoadRunResult {
  seconds: number;
  rows: number;
  /** process.resourceUsage().maxRSS: KiB, every thread of the process. */
  maxRssKiB: number;
  rejected: number;
  replaced: number;
  /** process.cpuUsage(), user + system, of this process (all its threads). */
  cpuSeconds: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * What a MySQL user would run for a clean CSV with a header: empty cells
 * become NULL, a repeated uuid replaces the row, as in our loader.
 */
export const LOAD_DATA_REFERENCE_SQL =
  "LOAD DATA LOCAL INFILE 'reference.csv' REPLACE INTO TABLE postings CHARACTER SET utf8mb4 " +
  "FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' IGNORE 1 LINES " +
  '(uuid, category, @zip, @price, @area, created_at, status) ' +
  "SET zip_code = NULLIF(@zip, ''), price = NULLIF(@price, ''), area = NULLIF(@area, '')";

interface RawConnection {
  query(
    options: { sql: string; infileStreamFactory?: () => NodeJS.ReadableStream },
    callback: (error: Error | null, result: unknown) => void,
  ): void;
}

/** A new, migrated SQLite database at `file` (any old one and its WAL removed); returns its URL. */
export async function freshSqlite(file: string): Promise<string> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const url = `sqlite:${file}`;
  const db = await openDatabase(url);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return url;
}

async function runOurs(
  url: string,
  input: string,
  rejects: string | undefined,
  writePath: WritePathChoice,
  rowsPerTransaction: number | undefined,
  answers: boolean,
): Promise<LoadRunResult> {
  const db = await openDatabase(url);
  try {
    const summary = await loadCsv(db, input, { rejectFile: rejects ?? null, writePath, rowsPerTransaction, answers });
    if (writePath !== 'auto' && summary.writePath !== writePath) throw new Error(`asked for ${writePath}, ran ${summary.writePath}`);
    return {
      seconds: summary.seconds,
      rows: summary.rowsRead,
      maxRssKiB: process.resourceUsage().maxRSS,
      rejected: summary.rowsRejected,
      replaced: summary.rowsReplaced,
      cpuSeconds: cpuSeconds(),
    };
  } finally {
    await db.close();
  }
}

async function runMysqlReference(url: string, inputs: string[]): Promise<LoadRunResult> {
  const db = await openDatabase(url);
  try {
    const conn = (await (db.knex.client as Knex.Client).acquireConnection()) as RawConnection;
    const query = (sql: string, file?: string): Promise<unknown> =>
      new Promise((resolve, reject) =>
        conn.query(
          { sql, infileStreamFactory: file ? () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) : undefined },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      );
    const started = process.hrtime.bigint();
    let rows = 0;
    for (const input of inputs) {
      if (inputs.length > 1) await query('START TRANSACTION');
      const result = (await query(LOAD_DATA_REFERENCE_SQL, input)) as { affectedRows?: number; info?: string };
      if (inputs.length > 1) await query('COMMIT');
      const records = /Records:\s*(\d+)/.exec(result.info ?? '');
      const warnings = /Warnings:\s*(\d+)/.exec(result.info ?? '');
      if (warnings && Number(warnings[1]) > 0) throw new Error(`the reference load had warnings: ${result.info}`);
      rows += records ? Number(records[1]) : 0;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await (db.knex.client as Knex.Client).releaseConnection(conn);
    return { seconds, rows, maxRssKiB: process.resourceUsage().maxRSS, rejected: 0, replaced: 0, cpuSeconds: cpuSeconds() };
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      input: { type: 'string', multiple: true },
      rejects: { type: 'string' },
      'write-path': { type: 'string', default: 'auto' },
      'rows-per-transaction': { type: 'string' },
      'no-answers': { type: 'boolean', default: false },
    },
  });
  const mode = positionals[0];
  const inputs = values.input ?? [];
  if ((mode !== 'ours' && mode !== 'mysql-reference') || !values.url || inputs.length === 0 || (mode === 'ours' && inputs.length > 1)) {
    throw new Error(
      'usage: load-runner ours|mysql-reference --url URL --input FILE [--rejects FILE] [--write-path auto|load-data|insert] [--rows-per-transaction N]',
    );
  }
  const rowsText = values['rows-per-transaction'];
  const rowsPerTransaction = rowsText === undefined ? undefined : Number(rowsText);
  if (rowsPerTransaction !== undefined && (!Number.isSafeInteger(rowsPerTransaction) || rowsPerTransaction < 1))
    throw new Error(`--rows-per-transaction must be a positive whole number, got ${rowsText}`);
  const writePath = WRITE_PATH_CHOICES.find((c) => c === values['write-path']);
  if (writePath === undefined) throw new Error(`--write-path takes ${WRITE_PATH_CHOICES.join(', ')}, got ${values['write-path']}`);
  const result =
    mode === 'ours'
      ? await runOurs(values.url, inputs[0], values.rejects, writePath, rowsPerTransaction, !values['no-answers'])
      : await runMysqlReference(values.url, inputs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
