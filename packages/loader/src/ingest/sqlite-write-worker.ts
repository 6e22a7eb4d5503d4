/**
 * The SQLite side of a load, run in a worker thread by SqliteWriter so that
 * the main thread parses and validates the next rows while this one writes.
 * It owns its own better-sqlite3 handle (handles cannot cross threads).
 *
 * Keep this module's imports to node built-ins, better-sqlite3 and types:
 * when it runs from TypeScript sources (ts-jest) it is transpiled on its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { PostingValue } from './validate-posting';

export interface SqliteUpserterOptions {
  /** Sent as `PRAGMA <each>` right after opening, in order. */
  pragmas: readonly string[];
  /** Fewest rows per transaction; see SqliteUpserter for the rest of the rule. */
  rowsPerTransaction: number;
  /**
   * load_runs.id to mark alive at each commit. While a load holds the write
   * lock no other connection can write, so the heartbeat rides on the commit.
   */
  heartbeatRunId?: number | null;
}

export interface SqliteWorkerData extends SqliteUpserterOptions {
  /** Marks the thread as this worker, so importing the module elsewhere starts nothing. */
  sqliteWriteWorker: true;
  filename: string;
}

/** Main thread to worker. */
export type ToSqliteWorker = { kind: 'rows'; values: PostingValue[]; rows: number } | { kind: 'finish' } | { kind: 'abort' };

/** Worker to main thread. */
export type FromSqliteWorker =
  | { kind: 'ready' }
  | { kind: 'written'; rows: number }
  | { kind: 'finished'; replaced: number }
  | { kind: 'failed'; message: string; code: string | null };

const UPSERT_SQL =
  'INSERT INTO postings (uuid, category, zip_code, price, area, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)' +
  ' ON CONFLICT(uuid) DO UPDATE SET category = excluded.category, zip_code = excluded.zip_code,' +
  ' price = excluded.price, area = excluded.area, created_at = excluded.created_at, status = excluded.status';

/**
 * Synchronous upserts on uuid (last wins) in large transactions. Inserting
 * random keys dirties pages all over the indexes, and a commit writes every
 * dirty page, so a commit costs about the size of the indexes: a transaction
 * holds at least `rowsPerTransaction` rows and at least half as many rows as
 * the table held when it began, which keeps the number of commits, and their
 * total cost, growing with the log of the table rather than its size
 * (measured at 5M rows: 1M-row transactions 176 s, 250k-row 254 s).
 * A killed process loses only the open transaction, which a reload writes
 * again: every row is an upsert. `replaced` is derived from the row count
 * before and after, since an upsert reports one change either way.
 */
export class SqliteUpserter {
  private readonly db: BetterSqlite3.Database;
  private readonly upsert: BetterSqlite3.Statement;
  private readonly heartbeat: BetterSqlite3.Statement | null;
  private readonly rowsBefore: number;
  private rowsWritten = 0;
  private rowsInTransaction = 0;
  private transactionLimit = 0;

  constructor(
    filename: string,
    private readonly options: SqliteUpserterOptions,
  ) {
    const db = new BetterSqlite3(filename);
    this.db = db;
    try {
      for (const pragma of options.pragmas) db.pragma(pragma);
      this.upsert = db.prepare(UPSERT_SQL);
      this.heartbeat = options.heartbeatRunId == null ? null : db.prepare('UPDATE load_runs SET heartbeat_at = ? WHERE id = ?');
      this.rowsBefore = this.count();
    } catch (error) {
      db.close();
      throw error;
    }
  }

  write(values: PostingValue[], rows: number): void {
    const db = this.db;
    if (!db.inTransaction) {
      db.exec('BEGIN IMMEDIATE');
      this.rowsInTransaction = 0;
      // rowsWritten over-counts the table by the replaced rows: near enough.
      this.transactionLimit = Math.max(this.options.rowsPerTransaction, Math.floor((this.rowsBefore + this.rowsWritten) / 2));
    }
    // One row per statement, arguments spread: measured 8.2 s of CPU per
    // million rows against 13.7 s for 64-row VALUES lists bound as arrays.
    const upsert = this.upsert;
    const v = values;
    for (let i = 0; i < v.length; i += 7) upsert.run(v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6]);
    this.rowsWritten += rows;
    this.rowsInTransaction += rows;
    if (this.rowsInTransaction >= this.transactionLimit) this.commit();
  }

  private commit(): void {
    if (this.heartbeat) this.heartbeat.run(new Date().toISOString().slice(0, 19).replace('T', ' '), this.options.heartbeatRunId);
    this.db.exec('COMMIT');
  }

  /** Commits what is open and closes; returns the rows that replaced an existing one. */
  finish(): number {
    if (this.db.inTransaction) this.commit();
    const inserted = this.count() - this.rowsBefore;
    // The load let the WAL grow (wal_autocheckpoint); fold it into the
    // database now rather than leave up to a GiB of it on disk. A reader in
    // the way only makes this a partial checkpoint (busy), not an error.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
    return this.rowsWritten - inserted;
  }

  /** Rolls back the open transaction and closes; never throws. */
  abort(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // closing rolls back as well
    }
    try {
      this.db.close();
    } catch {
      // best effort after a failure
    }
  }

  private count(): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM postings').get() as { n: number };
    return row.n;
  }
}

function serve(port: NonNullable<typeof parentPort>, data: SqliteWorkerData): void {
  const post = (message: FromSqliteWorker): void => port.postMessage(message);
  const fail = (error: unknown): void => {
    const err = error as { message?: string; code?: unknown };
    post({ kind: 'failed', message: err?.message ?? String(error), code: typeof err?.code === 'string' ? err.code : null });
  };
  let upserter: SqliteUpserter | null = null;
  try {
    upserter = new SqliteUpserter(data.filename, data);
  } catch (error) {
    fail(error);
    port.close();
    return;
  }
  post({ kind: 'ready' });
  port.on('message', (message: ToSqliteWorker) => {
    const current = upserter;
    if (!current) return; // failed or done: the rest is ignored
    try {
      if (message.kind === 'rows') {
        current.write(message.values, message.rows);
        post({ kind: 'written', rows: message.rows });
        return;
      }
      upserter = null;
      if (message.kind === 'finish') {
        post({ kind: 'finished', replaced: current.finish() });
      } else {
        current.abort();
      }
      port.close();
    } catch (error) {
      upserter = null;
      current.abort();
      fail(error);
      port.close();
    }
  });
}

if (parentPort && (workerData as Partial<SqliteWorkerData> | null)?.sqliteWriteWorker === true) {
  serve(parentPort, workerData as SqliteWorkerData);
}
