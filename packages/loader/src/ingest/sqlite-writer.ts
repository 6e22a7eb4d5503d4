import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LoaderError, LoaderErrorCode } from '../errors';
import type { PostingWriter } from './posting-writer';
import type { FromSqliteWorker, SqliteWorkerData, ToSqliteWorker } from './sqlite-write-worker';
import type { PostingValue } from './validate-posting';

/**
 * SQLite page cache for a load, in KiB. A random-uuid load touches every
 * page of the uuid index, so the cache decides much of the write time
 * (measured at 1M rows, CPU of the writes alone: 16 MiB 20 s, 32 MiB 17 s,
 * 48 MiB 14 s, 64 MiB 13 s, 128 MiB 10 s). The cache counts in the
 * process's RSS, which a load keeps under 200 MB: with the two threads'
 * heaps and the node binary, 48 MiB peaks at ~170 MiB, 64 MiB at ~190 MiB.
 */
export const SQLITE_LOAD_CACHE_KIB = 49152;

/**
 * Every pragma a load runs with, in order; bench-load applies the same ones
 * to its `sqlite3 .import` reference. WAL with synchronous = NORMAL is safe
 * against a killed process (a commit is in the WAL before COMMIT returns;
 * only an OS crash can lose the last commits), and lets readers go on.
 * wal_autocheckpoint: the default (1000 pages) copies the whole WAL into the
 * database after every commit, and each commit of a random-key load rewrites
 * most index pages; checkpointing once per GiB of WAL measured 1.3x faster at
 * 2M rows. The writer truncates the WAL when it finishes.
 */
export const SQLITE_LOAD_PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 10000',
  `cache_size = -${SQLITE_LOAD_CACHE_KIB}`,
  'temp_store = MEMORY',
  'wal_autocheckpoint = 262144',
];

export interface SqliteWriterOptions {
  /**
   * Fewest rows per transaction (default 250,000); a transaction also holds
   * at least half as many rows as the table had when it began (see
   * SqliteUpserter).
   */
  rowsPerTransaction?: number;
  /** Batches handed to the writer thread and not yet written (default 8): bounds memory. */
  maxBatchesInFlight?: number;
  /** load_runs.id whose heartbeat_at the writer refreshes at each commit; none when absent. */
  heartbeatRunId?: number | null;
}

/**
 * Upserts into SQLite from a worker thread that owns its own better-sqlite3
 * handle (knex's async pool adds a promise per statement, which dominates at
 * a million rows). `write` returns as soon as the batch is queued, unless
 * `maxBatchesInFlight` batches are already waiting: then it waits for the
 * writer, which is the backpressure that keeps memory flat. Rows are
 * committed in large transactions and at `finish`; a failure in the writer
 * surfaces from the next `write` or from `finish`. Batches cross as arrays
 * (structured clone): joining a batch into one string and splitting it in
 * the thread measured more CPU in total and 15 MiB more RSS.
 */
export class SqliteWriter implements PostingWriter {
  private worker: Worker | null = null;
  private readonly options: Required<Omit<SqliteWriterOptions, 'heartbeatRunId'>> & { heartbeatRunId: number | null };
  private inFlight = 0;
  private ready = false;
  private replaced: number | null = null;
  private exited = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly filename: string,
    options: SqliteWriterOptions = {},
  ) {
    this.options = {
      rowsPerTransaction: options.rowsPerTransaction ?? 250_000,
      maxBatchesInFlight: options.maxBatchesInFlight ?? 8,
      heartbeatRunId: options.heartbeatRunId ?? null,
    };
  }

  async begin(): Promise<void> {
    const data: SqliteWorkerData = {
      sqliteWriteWorker: true,
      filename: this.filename,
      pragmas: SQLITE_LOAD_PRAGMAS,
      rowsPerTransaction: this.options.rowsPerTransaction,
      heartbeatRunId: this.options.heartbeatRunId,
    };
    const worker = startWorker(data);
    this.worker = worker;
    worker.on('message', (message: FromSqliteWorker) => this.onMessage(message));
    worker.on('error', (error: Error) => this.fail(writeFailed(error.message, error)));
    worker.on('exit', (code) => {
      this.exited = true;
      if (this.replaced === null)
        this.fail(new LoaderError(LoaderErrorCode.WRITE_FAILED, `the SQLite writer thread stopped (exit code ${code})`));
      this.wake?.();
    });
    await this.until(() => this.ready);
  }

  async write(values: PostingValue[], rows: number): Promise<void> {
    if (this.failure) throw this.failure;
    const worker = this.worker;
    if (!worker) throw new Error('SqliteWriter.write before begin');
    this.inFlight++;
    worker.postMessage({ kind: 'rows', values, rows } satisfies ToSqliteWorker);
    if (this.inFlight >= this.options.maxBatchesInFlight) {
      await this.until(() => this.inFlight < this.options.maxBatchesInFlight);
    }
  }

  async finish(): Promise<{ replaced: number }> {
    if (this.failure) throw this.failure;
    this.worker!.postMessage({ kind: 'finish' } satisfies ToSqliteWorker);
    await this.until(() => this.replaced !== null);
    await this.until(() => this.exited).catch(() => undefined);
    this.worker = null;
    return { replaced: this.replaced! };
  }

  async abort(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker || this.exited) return;
    // The writer rolls back and closes; terminate only if it does not stop.
    worker.postMessage({ kind: 'abort' } satisfies ToSqliteWorker);
    const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 10_000).unref());
    if ((await Promise.race([stopped, timer])) === 'late') await worker.terminate().catch(() => undefined);
  }

  private onMessage(message: FromSqliteWorker): void {
    switch (message.kind) {
      case 'ready':
        this.ready = true;
        break;
      case 'written':
        this.inFlight--;
        break;
      case 'finished':
        this.replaced = message.replaced;
        break;
      case 'failed':
        this.fail(writeFailed(message.message, message));
        break;
    }
    this.wake?.();
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    this.wake?.();
  }

  /** Resolves once `condition` holds; rejects on the writer's first failure. */
  private until(condition: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.failure) {
          this.wake = null;
          reject(this.failure);
        } else if (condition()) {
          this.wake = null;
          resolve();
        }
      };
      this.wake = check;
      check();
    });
  }
}

function writeFailed(message: string, cause: unknown): LoaderError {
  return new LoaderError(LoaderErrorCode.WRITE_FAILED, `writing to the database failed: ${message.split('\n')[0]}`, { cause });
}

/**
 * Under ts-jest this module runs from its `.ts` source and there is no
 * compiled worker beside it: the worker's source is then transpiled here,
 * once, with the TypeScript compiler (a dev dependency, present wherever the
 * sources run) and evaluated in the thread. Built code takes the first branch.
 */
function startWorker(data: SqliteWorkerData): Worker {
  // The thread holds a few batches at a time; a small young generation
  // keeps its heap, which counts in the load's RSS, small.
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  if (!__filename.endsWith('.ts')) {
    return new Worker(path.join(__dirname, 'sqlite-write-worker.js'), { workerData: data, resourceLimits });
  }
  const entry = path.join(__dirname, 'sqlite-write-worker.ts');
  const code =
    `(function (exports, require, module, __filename, __dirname) {${transpiledWorker(entry)}\n})(` +
    `{}, require('node:module').createRequire(${JSON.stringify(entry)}), { exports: {} }, ${JSON.stringify(entry)}, ${JSON.stringify(__dirname)});`;
  return new Worker(code, { eval: true, workerData: data, resourceLimits });
}

interface TypeScriptTranspiler {
  transpileModule(input: string, options: { fileName: string; compilerOptions: Record<string, unknown> }): { outputText: string };
  ModuleKind: { CommonJS: unknown };
  ScriptTarget: { ES2022: unknown };
}

let transpiledSource: string | null = null;

function transpiledWorker(entry: string): string {
  if (transpiledSource === null) {
    // Only under jest (src/.ts workers); a built loader never reaches here, so typescript stays a dev dependency.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as TypeScriptTranspiler;
    transpiledSource = ts.transpileModule(fs.readFileSync(entry, 'utf8'), {
      fileName: entry,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  }
  return transpiledSource;
}
