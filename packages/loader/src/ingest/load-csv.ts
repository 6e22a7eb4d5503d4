import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database } from '../db/open-database';
import { migrate } from '../db/migrate';
import { LoaderError, LoaderErrorCode } from '../errors';
import { CsvRecordSplitter, CsvRecordSink, DEFAULT_MAX_RECORD_BYTES } from '../csv/csv-records';
import { resolveHeader } from './postings-header';
import { emptyReasonCounts, RejectReason } from './reject-reasons';
import { RejectWriter } from './reject-writer';
import { validatePosting, PostingValue } from './validate-posting';
import type { PostingWriter } from './posting-writer';
import { SqliteWriter } from './sqlite-writer';
import { MysqlWriter, type WritePath, type WritePathChoice } from './mysql-writer';
import { LoadRunLog, markInterruptedRuns } from './load-run-log';
import { Utf8Decoder, type DecodedPiece } from './utf8-decoder';
import { clearAnswers, storeAnswers } from 'analysis';

export interface LoadProgress {
  bytesRead: number;
  /** Size of the input, when known (files); null for streams. */
  totalBytes: number | null;
  rowsRead: number;
  rowsRejected: number;
  elapsedSeconds: number;
}

export interface LoadOptions {
  /** Reject CSV path; default `<input>.rejects.csv` for files; `null` writes none. */
  rejectFile?: string | null;
  /** Rows handed to the database writer at a time (default 1,000); a transaction spans many. */
  batchSize?: number;
  /** Validate and report without writing to the database. */
  dryRun?: boolean;
  /** How a stream is named in messages and in load_runs. */
  sourceName?: string;
  onProgress?: (progress: LoadProgress) => void;
  /** Minimum milliseconds between progress callbacks (default 250). */
  progressIntervalMs?: number;
  /**
   * How rows reach MySQL/MariaDB (default `auto`: LOAD DATA LOCAL INFILE
   * where the server allows it, else multi-row upserts). SQLite always
   * inserts, so only `auto` and `insert` are accepted there.
   */
  writePath?: WritePathChoice;
  /**
   * Rows per transaction (default 250,000): on MySQL/MariaDB's load-data
   * path the rows of one LOAD DATA statement; on SQLite the fewest (a
   * transaction there also holds at least half the rows the table had). The
   * INSERT path commits every statement. Results never depend on it; for
   * benchmarks and tests.
   */
  rowsPerTransaction?: number;
  /**
   * The record-length limit in bytes (default 1 MiB): a longer record is
   * rejected as `column_count` at its first physical line and reading
   * resumes on the next line.
   */
  maxRecordBytes?: number;
  /**
   * Compute and store the answers once the load has finished (default
   * true), replacing the stored ones. false removes the stored answers
   * instead, so none describe a table that has changed since: for loads
   * run in parallel, or several files followed by one `storeAnswers`.
   */
  answers?: boolean;
}

export interface LoadSummary {
  source: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsReplaced: number;
  rowsRejected: number;
  rejectedByReason: Record<RejectReason, number>;
  seconds: number;
  rowsPerSecond: number;
  bytes: number;
  sha256: string;
  rejectFile: string | null;
  dryRun: boolean;
  /** load_runs.id of this load; null for a dry run. */
  runId: number | null;
  /** The write path that ran; null for a dry run. */
  writePath: WritePath | null;
  /** Seconds spent computing and storing the answers after the load (0 when not computed). */
  answersSeconds: number;
}

const DEFAULT_BATCH = 1_000;
/**
 * Text is decoded and parsed in pieces of at most this many bytes, whatever
 * size the stream delivers. A string of 128 KiB or more is a V8 "large
 * object", and the field strings sliced from it keep it alive into the old
 * generation; small pieces and small batches let both die young. Measured on
 * a 1M-row dry run: 1 MiB pieces with 10,000-row batches took 3.3 s of CPU
 * and peaked at 130 MiB RSS; 64 KiB pieces with 1,000-row batches 1.7 s and
 * 78 MiB.
 */
const PIECE_BYTES = 64 * 1024;

/**
 * Streams a postings CSV into the database per the data contract: every row
 * validated, good rows upserted on uuid (last wins), bad rows written to the
 * reject CSV with their line and raw text. Memory stays bounded by one batch
 * and one read chunk, whatever the file size.
 */
export async function loadCsv(db: Database | null, input: string | Readable, options: LoadOptions = {}): Promise<LoadSummary> {
  const started = process.hrtime.bigint();
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new LoaderError(LoaderErrorCode.BAD_OPTION, `batch size must be a positive whole number, got ${batchSize}`);
  }
  if (options.rowsPerTransaction !== undefined && (!Number.isSafeInteger(options.rowsPerTransaction) || options.rowsPerTransaction < 1)) {
    throw new LoaderError(
      LoaderErrorCode.BAD_OPTION,
      `rows per transaction must be a positive whole number, got ${options.rowsPerTransaction}`,
    );
  }
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1) {
    throw new LoaderError(
      LoaderErrorCode.BAD_OPTION,
      `the record-length limit must be a positive whole number of bytes, got ${maxRecordBytes}`,
    );
  }
  if (!db && !dryRun) throw new LoaderError(LoaderErrorCode.BAD_OPTION, 'a database is required unless this is a dry run');
  const writePathChoice = options.writePath ?? 'auto';
  if (db?.dialect === 'sqlite' && writePathChoice === 'load-data') {
    throw new LoaderError(
      LoaderErrorCode.BAD_OPTION,
      'write path load-data needs MySQL or MariaDB; SQLite loads with inserts (use auto or insert)',
    );
  }

  const isPath = typeof input === 'string';
  const source = isPath ? input : (options.sourceName ?? '<stream>');
  let totalBytes: number | null = null;
  if (isPath) totalBytes = statInput(input);
  const rejectPath = options.rejectFile === undefined ? (isPath ? `${input}.rejects.csv` : null) : options.rejectFile;

  const stream: Readable = isPath ? fs.createReadStream(input, { highWaterMark: PIECE_BYTES }) : input;
  const hash = createHash('sha256');
  const decoder = new Utf8Decoder();
  const counts = emptyReasonCounts();
  // Created once the header is accepted: a refused file leaves no trace.
  let rejects: RejectWriter | null = null;
  const displayName = isPath ? path.basename(input) : source;

  let finished: LoadSummary;
  let positions: number[] | null = null;
  let batch: PostingValue[] = [];
  let rowsRead = 0;
  let rowsRejected = 0;
  let rowsLoaded = 0;
  const sink: CsvRecordSink = {
    record(fields, line, text, rawStart, rawEnd) {
      if (positions === null) {
        positions = resolveHeader(fields, displayName);
        if (rejectPath) rejects = new RejectWriter(rejectPath);
        return;
      }
      rowsRead++;
      const reason = validatePosting(fields, positions, batch);
      if (reason !== null) {
        rowsRejected++;
        counts[reason]++;
        rejects?.add(line, reason, text.slice(rawStart, rawEnd));
      }
    },
    unreadable(line, raw, problem) {
      if (positions === null) {
        const why = problem === 'bad_encoding' ? 'is not valid UTF-8' : `is longer than the record-length limit (${maxRecordBytes} bytes)`;
        throw new LoaderError(
          LoaderErrorCode.BAD_HEADER,
          `${displayName}: the header (line ${line}) ${why}; expected uuid,category,zip_code,price,area,created_at,status`,
        );
      }
      rowsRead++;
      rowsRejected++;
      // Over the limit: the contract counts it as a row without 7 fields.
      const reason: RejectReason = problem === 'over_limit' ? 'column_count' : problem;
      counts[reason]++;
      rejects?.add(line, reason, raw);
    },
  };
  const reader = new CsvRecordSplitter(sink, { maxRecordBytes });
  const push = (piece: DecodedPiece): void => reader.push(piece.text, piece.badAt);

  let writer: PostingWriter | null = null;
  let writePath: WritePath | null = null;
  let runLog: LoadRunLog | null = null;
  let bytesRead = 0;
  let lastProgress = 0;
  const interval = options.progressIntervalMs ?? 250;
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;

  const flush = async (): Promise<void> => {
    const rows = batch.length / 7;
    if (rows === 0) return;
    const values = batch;
    batch = [];
    rowsLoaded += rows;
    if (dryRun) return;
    if (!writer) writer = await beginWriting();
    await writer.write(values, rows);
    // SQLite's writer thread beats at each commit: this connection would wait for its write lock.
    if (db!.dialect === 'mysql') await runLog?.beatIfDue();
  };
  // Runs once the header is accepted: only then is anything written.
  const beginWriting = async (): Promise<PostingWriter> => {
    await migrate(db!);
    await markInterruptedRuns(db!);
    const log = await LoadRunLog.start(db!, source, totalBytes);
    runLog = log;
    if (db!.dialect === 'sqlite') {
      const w = new SqliteWriter(sqliteFile(db!), { heartbeatRunId: log.id, rowsPerTransaction: options.rowsPerTransaction });
      await w.begin();
      writePath = 'insert';
      return w;
    }
    const w = new MysqlWriter(db!.knex, { writePath: writePathChoice, rowsPerTransaction: options.rowsPerTransaction });
    await w.begin();
    writePath = w.path;
    return w;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytesRead += buffer.length;
      hash.update(buffer);
      for (let start = 0; start < buffer.length; start += PIECE_BYTES) {
        push(decoder.write(start === 0 && buffer.length <= PIECE_BYTES ? buffer : buffer.subarray(start, start + PIECE_BYTES)));
        if (batch.length >= batchSize * 7) await flush();
      }
      if (rejects) await (rejects as RejectWriter).drain();
      if (options.onProgress) {
        const now = Date.now();
        if (now - lastProgress >= interval) {
          lastProgress = now;
          options.onProgress({ bytesRead, totalBytes, rowsRead, rowsRejected, elapsedSeconds: elapsed() });
        }
      }
    }
    push(decoder.end());
    reader.end();
    if (positions === null) {
      throw new LoaderError(
        LoaderErrorCode.BAD_HEADER,
        `${displayName}: the file is empty; expected a header line with uuid,category,zip_code,price,area,created_at,status`,
      );
    }
    await flush();
    // A header with no good rows still counts as a (finished) load.
    if (!dryRun && !writer) writer = await beginWriting();
    const { replaced } = writer ? await writer.finish() : { replaced: 0 };
    writer = null;
    if (rejects) await (rejects as RejectWriter).close();
    const seconds = elapsed();
    const summary: LoadSummary = {
      source,
      rowsRead,
      rowsLoaded,
      rowsReplaced: replaced,
      rowsRejected,
      rejectedByReason: counts,
      seconds,
      rowsPerSecond: seconds > 0 ? rowsRead / seconds : 0,
      bytes: bytesRead,
      sha256: hash.digest('hex'),
      rejectFile: rejectPath ? path.resolve(rejectPath) : null,
      dryRun,
      runId: runLog ? (runLog as LoadRunLog).id : null,
      writePath,
      answersSeconds: 0,
    };
    if (runLog) await (runLog as LoadRunLog).finish(summary);
    options.onProgress?.({ bytesRead, totalBytes, rowsRead, rowsRejected, elapsedSeconds: seconds });
    finished = summary;
  } catch (error) {
    if (writer) await writer.abort();
    if (rejects) await (rejects as RejectWriter).close().catch(() => undefined);
    if (runLog) await (runLog as LoadRunLog).fail(error).catch(() => undefined);
    if (!isPath) stream.destroy();
    throw error;
  } finally {
    if (isPath && !stream.destroyed) stream.destroy();
  }
  // After the run is marked finished: a failure here is the database's, not
  // the load's, and the load_runs row rightly stays `finished`.
  if (db && !dryRun) finished.answersSeconds = await refreshAnswers(db, finished.runId, options.answers ?? true);
  return finished;
}

/** Stores the answers of run `runId` (or clears them); returns the seconds it took. */
async function refreshAnswers(db: Database, runId: number | null, compute: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  if (compute) await storeAnswers(db.knex, { loadRunId: runId });
  else await clearAnswers(db.knex);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function statInput(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LoaderError(LoaderErrorCode.FILE_NOT_FOUND, `no such file: ${file}`);
  }
  if (!stat.isFile()) throw new LoaderError(LoaderErrorCode.FILE_NOT_FOUND, `not a file: ${file}`);
  return stat.size;
}

function sqliteFile(db: Database): string {
  if (db.target.dialect !== 'sqlite') throw new Error('not a SQLite database');
  return db.target.filename;
}
