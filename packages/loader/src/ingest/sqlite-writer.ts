import BetterSqlite3 from 'better-sqlite3';
import type { PostingWriter } from './posting-writer';
import type { PostingValue } from './validate-posting';

const ROWS_PER_STATEMENT = 64;
const UPSERT_HEAD = 'INSERT INTO postings (uuid, category, zip_code, price, area, created_at, status) VALUES ';
const UPSERT_TAIL =
  ' ON CONFLICT(uuid) DO UPDATE SET category = excluded.category, zip_code = excluded.zip_code,' +
  ' price = excluded.price, area = excluded.area, created_at = excluded.created_at, status = excluded.status';

function upsertSql(rows: number): string {
  return UPSERT_HEAD + new Array<string>(rows).fill('(?,?,?,?,?,?,?)').join(',') + UPSERT_TAIL;
}

/**
 * Upserts into SQLite through its own better-sqlite3 handle: knex's async
 * pool adds a promise per statement, which dominates at a million rows.
 * Each batch is one transaction. `replaced` is derived from the row count
 * before and after, since an upsert reports one change either way.
 */
export class SqliteWriter implements PostingWriter {
  private db: BetterSqlite3.Database | null = null;
  private many!: BetterSqlite3.Statement;
  private one!: BetterSqlite3.Statement;
  private rowsBefore = 0;
  private rowsWritten = 0;

  constructor(private readonly filename: string) {}

  async begin(): Promise<void> {
    const db = new BetterSqlite3(this.filename);
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    // A big page cache keeps the uuid b-tree in memory while keys arrive in
    // random order; 64 MiB is a cap, not an allocation.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    this.many = db.prepare(upsertSql(ROWS_PER_STATEMENT));
    this.one = db.prepare(upsertSql(1));
    this.rowsBefore = this.count();
  }

  async write(values: PostingValue[], rows: number): Promise<void> {
    const db = this.db;
    if (!db) throw new Error('SqliteWriter.write before begin');
    const many = this.many;
    const one = this.one;
    db.exec('BEGIN IMMEDIATE');
    try {
      const width = ROWS_PER_STATEMENT * 7;
      let i = 0;
      const fullEnd = values.length - (values.length % width);
      for (; i < fullEnd; i += width) many.run(values.slice(i, i + width));
      for (; i < values.length; i += 7) one.run(values.slice(i, i + 7));
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
    this.rowsWritten += rows;
  }

  async finish(): Promise<{ replaced: number }> {
    const inserted = this.count() - this.rowsBefore;
    this.close();
    return { replaced: this.rowsWritten - inserted };
  }

  async abort(): Promise<void> {
    this.close();
  }

  private count(): number {
    const row = this.db!.prepare('SELECT COUNT(*) AS n FROM postings').get() as { n: number };
    return row.n;
  }

  private close(): void {
    if (this.db) {
      try {
        this.db.close();
      } catch {
        // closing after a failure is best effort
      }
      this.db = null;
    }
  }
}
