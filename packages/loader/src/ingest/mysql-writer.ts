import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Knex } from 'knex';
import { LoaderError } from '../errors';
import type { PostingWriter } from './posting-writer';
import type { PostingValue } from './validate-posting';

/** The slice of a mysql2 callback connection this writer uses. */
interface RawConnection {
  query(
    options: { sql: string; values?: unknown[]; infileStreamFactory?: () => NodeJS.ReadableStream },
    callback: (error: Error | null, result: unknown) => void,
  ): void;
  stream: NodeJS.WritableStream & { writableLength: number };
}

interface OkPacket {
  affectedRows?: number;
  info?: string;
  warningStatus?: number;
}

const COLUMNS = '(uuid, category, zip_code, price, area, created_at, status)';
const LOAD_SQL =
  "LOAD DATA LOCAL INFILE 'realxdeal-stream' REPLACE INTO TABLE postings CHARACTER SET utf8mb4 " +
  "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' " +
  COLUMNS;
const UPSERT_TAIL =
  ' ON DUPLICATE KEY UPDATE category = VALUES(category), zip_code = VALUES(zip_code), price = VALUES(price),' +
  ' area = VALUES(area), created_at = VALUES(created_at), status = VALUES(status)';
const INSERT_ROWS_PER_STATEMENT = 2000;
/** Socket bytes queued before we wait: bounds memory when the server is slower than the parser. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface MysqlWriterOptions {
  /** Rows per LOAD DATA statement (one transaction each). */
  rowsPerTransaction?: number;
  /** Force the INSERT path even where LOAD DATA LOCAL is allowed. */
  bulk?: boolean;
}

/**
 * Streams validated rows into MySQL/MariaDB. The fast path is the server's
 * own bulk loader, `LOAD DATA LOCAL INFILE … REPLACE`, fed from memory by
 * our validated stream: the server parses and writes on one core while Node
 * parses and validates on the other. Each statement runs in a transaction
 * and must finish without warnings, or it is rolled back. Where the server
 * refuses LOCAL INFILE (MySQL 8's default), multi-row upserts are used.
 * `replaced` comes from the row count before and after the load.
 */
export class MysqlWriter implements PostingWriter {
  private conn: RawConnection | null = null;
  private mode: 'load' | 'insert' = 'load';
  private readonly rowsPerTransaction: number;
  private statement: { pass: PassThrough; done: Promise<OkPacket>; rows: number } | null = null;
  private rowsBefore = 0;
  private rowsWritten = 0;

  constructor(
    private readonly knex: Knex,
    private readonly options: MysqlWriterOptions = {},
  ) {
    this.rowsPerTransaction = options.rowsPerTransaction ?? 250_000;
  }

  async begin(): Promise<void> {
    this.conn = (await this.knex.client.acquireConnection()) as RawConnection;
    const [row] = (await this.query('SELECT @@local_infile AS local_infile')) as Array<{ local_infile: number | string }>;
    const allowed = Number(row.local_infile) === 1 || String(row.local_infile).toUpperCase() === 'ON';
    this.mode = this.options.bulk === false || !allowed ? 'insert' : 'load';
    this.rowsBefore = await this.countRows();
  }

  private async countRows(): Promise<number> {
    const [count] = (await this.query('SELECT COUNT(*) AS n FROM postings')) as Array<{ n: number }>;
    return Number(count.n);
  }

  get path(): 'load' | 'insert' {
    return this.mode;
  }

  async write(values: PostingValue[], rows: number): Promise<void> {
    this.rowsWritten += rows;
    if (this.mode === 'insert') return this.insert(values);
    if (!this.statement) await this.startStatement();
    const statement = this.statement!;
    statement.rows += rows;
    const ok = statement.pass.write(toTsv(values));
    const socket = this.conn!.stream;
    if (!ok || socket.writableLength > MAX_QUEUED_BYTES) {
      // Wait for the socket, but never past a failed statement.
      await Promise.race([
        ok ? once(socket, 'drain') : once(statement.pass, 'drain'),
        statement.done.then(() => undefined),
      ]);
    }
    if (statement.rows >= this.rowsPerTransaction) await this.endStatement();
  }

  async finish(): Promise<{ replaced: number }> {
    if (this.statement) await this.endStatement();
    // LOAD DATA's "Deleted" misses replacements by identical rows on
    // MariaDB, so replaced rows are counted the same way on both paths.
    const replaced = this.rowsWritten - ((await this.countRows()) - this.rowsBefore);
    this.release();
    return { replaced };
  }

  async abort(): Promise<void> {
    const statement = this.statement;
    this.statement = null;
    if (statement) {
      statement.pass.destroy();
      await statement.done.catch(() => undefined);
    }
    if (this.conn) await this.query('ROLLBACK').catch(() => undefined);
    this.release();
  }

  private async startStatement(): Promise<void> {
    await this.query('START TRANSACTION');
    const pass = new PassThrough({ highWaterMark: 1 << 20 });
    const done = this.query(LOAD_SQL, undefined, () => pass) as Promise<OkPacket>;
    // Keep a rejection from going unhandled while rows are still streaming.
    done.catch(() => undefined);
    this.statement = { pass, done, rows: 0 };
  }

  private async endStatement(): Promise<void> {
    const statement = this.statement!;
    this.statement = null;
    statement.pass.end();
    let result: OkPacket;
    try {
      result = await statement.done;
    } catch (error) {
      await this.query('ROLLBACK').catch(() => undefined);
      throw writeFailed(error);
    }
    const info = parseInfo(result.info ?? '');
    if (info.warnings > 0 || info.skipped > 0 || info.records !== statement.rows) {
      const warnings = (await this.query('SHOW WARNINGS LIMIT 3')) as Array<{ Message: string }>;
      await this.query('ROLLBACK');
      throw new LoaderError(
        'LOADER_WRITE_FAILED',
        `the database altered or skipped validated rows (${result.info}); rolled back: ${warnings.map((w) => w.Message).join('; ')}`,
      );
    }
    await this.query('COMMIT');
  }

  private async insert(values: PostingValue[]): Promise<void> {
    const width = INSERT_ROWS_PER_STATEMENT * 7;
    await this.query('START TRANSACTION');
    try {
      for (let i = 0; i < values.length; i += width) {
        const slice = values.slice(i, i + width);
        const rows = slice.length / 7;
        const sql = `INSERT INTO postings ${COLUMNS} VALUES ${new Array<string>(rows).fill('(?,?,?,?,?,?,?)').join(',')}${UPSERT_TAIL}`;
        await this.query(sql, slice);
      }
      await this.query('COMMIT');
    } catch (error) {
      await this.query('ROLLBACK').catch(() => undefined);
      throw writeFailed(error);
    }
  }

  private query(sql: string, values?: unknown[], factory?: () => NodeJS.ReadableStream): Promise<unknown> {
    const conn = this.conn;
    if (!conn) return Promise.reject(new Error('MysqlWriter used before begin'));
    return new Promise((resolve, reject) => {
      conn.query({ sql, values, infileStreamFactory: factory }, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }

  private release(): void {
    if (this.conn) {
      void this.knex.client.releaseConnection(this.conn);
      this.conn = null;
    }
  }
}

function writeFailed(error: unknown): LoaderError {
  if (error instanceof LoaderError) return error;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new LoaderError('LOADER_WRITE_FAILED', `writing to the database failed: ${message}`, { cause: error });
}

function parseInfo(info: string): { records: number; skipped: number; warnings: number } {
  const field = (name: string): number => {
    const m = new RegExp(`${name}:\\s*(\\d+)`).exec(info);
    return m ? Number(m[1]) : 0;
  };
  return { records: field('Records'), skipped: field('Skipped'), warnings: field('Warnings') };
}

/** Tab-separated text in LOAD DATA's escaping: `\N` is NULL. */
export function toTsv(values: PostingValue[]): Buffer {
  let out = '';
  for (let i = 0; i < values.length; i += 7) {
    out +=
      values[i] + '\t' + text(values[i + 1]) + '\t' + text(values[i + 2]) + '\t' + num(values[i + 3]) + '\t' +
      num(values[i + 4]) + '\t' + values[i + 5] + '\t' + text(values[i + 6]) + '\n';
  }
  return Buffer.from(out, 'utf8');
}

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;

function text(value: PostingValue): string {
  if (value === null) return '\\N';
  const s = value as string;
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0'));
}

function num(value: PostingValue): string {
  return value === null ? '\\N' : String(value);
}
