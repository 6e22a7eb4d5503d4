import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Knex } from 'knex';
import { LoaderError, LoaderErrorCode } from '../errors';
import type { PostingWriter } from './posting-writer';
import type { PostingValue } from './validate-posting';
import { INSERT_HEAD, POSTING_COLUMNS_SQL, rowTuple, upsertSyntaxFor, upsertTail } from './mysql-upsert';

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

const LOAD_SQL =
  "LOAD DATA LOCAL INFILE 'realxdeal-stream' REPLACE INTO TABLE postings CHARACTER SET utf8mb4 " +
  "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' " +
  POSTING_COLUMNS_SQL;
/** Socket bytes queued before we wait: bounds memory when the server is slower than the parser. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/**
 * Bytes of one INSERT statement (~9,000 rows). Past ~1 MiB a statement's
 * fixed costs (round trip, parse, statement commit) are lost in its rows;
 * 2 and 4 MiB measured no faster at 200k rows and only held more memory on
 * both sides. Capped below max_allowed_packet.
 */
const DEFAULT_STATEMENT_BYTES = 1024 * 1024;
/** Room left in max_allowed_packet for the statement's head and tail. */
const PACKET_HEADROOM = 16 * 1024;

/** How rows reach the server: its own bulk loader, or multi-row upserts. */
export type WritePath = 'load-data' | 'insert';
/** What a user asks for: `auto` takes `load-data` where the server allows LOCAL INFILE. */
export type WritePathChoice = 'auto' | WritePath;
export const WRITE_PATH_CHOICES: readonly WritePathChoice[] = ['auto', 'load-data', 'insert'];

export interface MysqlWriterOptions {
  /** Rows per LOAD DATA statement, one transaction each (default 250,000). */
  rowsPerTransaction?: number;
  /** Default `auto`. */
  writePath?: WritePathChoice;
  /** Upper bound of one INSERT statement in bytes (default 1 MiB); max_allowed_packet caps it further. */
  statementBytes?: number;
}

/**
 * Streams validated rows into MySQL/MariaDB on one of two paths.
 *
 * `load-data`: the server's own bulk loader, `LOAD DATA LOCAL INFILE …
 * REPLACE`, fed from memory by our validated stream: the server parses and
 * writes on one core while Node parses and validates on the other.
 *
 * `insert`, for servers that refuse LOCAL INFILE (MySQL 8's default) or do
 * not take LOAD DATA at all (Vitess): multi-row upserts of about 1 MiB each,
 * sized by bytes under the server's max_allowed_packet. One statement runs
 * on the server while Node parses and builds the next, so parse and write
 * overlap as on the load-data path.
 *
 * A LOAD DATA statement of up to `rowsPerTransaction` rows is one
 * transaction; each INSERT statement (~9,000 rows) is one, which keeps
 * transactions within what distributed engines accept (TiDB's size cap,
 * Vitess's transaction timeout) at the cost of ~110 commits per million
 * rows. A statement that ends with warnings or skipped rows rolls its
 * transaction back. `replaced` comes
 * from the row count before and after the load, the same way on both paths.
 */
export class MysqlWriter implements PostingWriter {
  private conn: RawConnection | null = null;
  private mode: WritePath = 'load-data';
  private readonly rowsPerTransaction: number;
  private statement: { pass: PassThrough; done: Promise<OkPacket>; rows: number } | null = null;
  private rowsBefore = 0;
  private rowsWritten = 0;
  // INSERT path state.
  private statementBytes = DEFAULT_STATEMENT_BYTES;
  private tail = Buffer.alloc(0);
  /**
   * The statement being built, as UTF-8 bytes: each row's text dies young
   * instead of living on in a string rope until the statement is sent,
   * which kept the heap (and RSS) large. Reused for every statement.
   */
  private buffer = Buffer.alloc(0);
  private length = 0;
  private pendingRows = 0;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly knex: Knex,
    private readonly options: MysqlWriterOptions = {},
  ) {
    this.rowsPerTransaction = options.rowsPerTransaction ?? 250_000;
  }

  async begin(): Promise<void> {
    this.conn = (await (this.knex.client as Knex.Client).acquireConnection()) as RawConnection;
    const [server] = (await this.query(
      'SELECT @@local_infile AS local_infile, @@max_allowed_packet AS max_packet, VERSION() AS version',
    )) as Array<{ local_infile: number | string; max_packet: number | string; version: string }>;
    const allowed = Number(server.local_infile) === 1 || String(server.local_infile).toUpperCase() === 'ON';
    const choice = this.options.writePath ?? 'auto';
    if (choice === 'load-data' && !allowed) {
      this.release();
      throw new LoaderError(
        LoaderErrorCode.BAD_OPTION,
        'write path load-data: the server refuses LOAD DATA LOCAL INFILE (local_infile is OFF); use --write-path insert or auto',
      );
    }
    this.mode = choice === 'insert' || !allowed ? 'insert' : 'load-data';
    this.statementBytes = Math.max(
      64 * 1024,
      Math.min(this.options.statementBytes ?? DEFAULT_STATEMENT_BYTES, Number(server.max_packet) - PACKET_HEADROOM),
    );
    this.tail = Buffer.from(upsertTail(upsertSyntaxFor(server.version)));
    this.rowsBefore = await this.countRows();
  }

  private async countRows(): Promise<number> {
    const [count] = (await this.query('SELECT COUNT(*) AS n FROM postings')) as Array<{ n: number }>;
    return Number(count.n);
  }

  /** The path this load runs on; known once `begin` has resolved. */
  get path(): WritePath {
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
      await Promise.race([ok ? once(socket, 'drain') : once(statement.pass, 'drain'), statement.done.then(() => undefined)]);
    }
    if (statement.rows >= this.rowsPerTransaction) await this.endStatement();
  }

  async finish(): Promise<{ replaced: number }> {
    if (this.mode === 'insert') {
      await this.sendInsert();
      await this.settleInsert();
    }
    if (this.statement) await this.endStatement();
    // LOAD DATA's "Deleted" misses replacements by identical rows on
    // MariaDB, and an upsert's affected-rows count says 2 for a changed row
    // and 0 (or 1) for an identical one: replaced rows are counted the same
    // way on both paths, from the table.
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
    this.pendingRows = 0;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
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
      await this.rollBackAltered(result.info ?? '');
    }
    await this.query('COMMIT');
  }

  /** Appends rows to the open statement, sending it whenever it is full. */
  private async insert(values: PostingValue[]): Promise<void> {
    if (this.buffer.length === 0) this.buffer = Buffer.allocUnsafe(this.statementBytes);
    const room = this.statementBytes - this.tail.length;
    for (let i = 0; i < values.length; i += 7) {
      const tuple = rowTuple(values, i);
      // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only near the end.
      if (this.length + 1 + tuple.length * 3 > room && this.length + 1 + Buffer.byteLength(tuple) > room) await this.sendInsert();
      if (this.pendingRows === 0) this.length = this.buffer.write(INSERT_HEAD, 0, 'latin1');
      else this.buffer[this.length++] = 0x2c; // ','
      this.length += this.buffer.write(tuple, this.length, 'utf8');
      this.pendingRows++;
    }
  }

  /**
   * Sends the open statement once the previous one has finished, and
   * returns without waiting for it: the server executes it while the caller
   * parses the next rows. At most one statement is in flight and one being
   * built.
   */
  private async sendInsert(): Promise<void> {
    const rows = this.pendingRows;
    if (rows === 0) return;
    this.length += this.tail.copy(this.buffer, this.length);
    const sql = this.buffer.toString('utf8', 0, this.length);
    this.pendingRows = 0;
    this.length = 0;
    await this.settleInsert();
    const run = async (): Promise<void> => {
      await this.query('START TRANSACTION');
      let result: OkPacket;
      try {
        result = (await this.query(sql)) as OkPacket;
      } catch (error) {
        await this.query('ROLLBACK').catch(() => undefined);
        throw writeFailed(error);
      }
      if ((result.warningStatus ?? 0) > 0) await this.rollBackAltered(`${result.warningStatus} warnings`);
      await this.commit();
    };
    this.inFlight = run();
    // Keep a rejection from going unhandled until the next settle reads it.
    this.inFlight.catch(() => undefined);
  }

  private async settleInsert(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = null;
    if (inFlight) await inFlight;
  }

  private async commit(): Promise<void> {
    try {
      await this.query('COMMIT');
    } catch (error) {
      throw writeFailed(error);
    }
  }

  /** The server stored something other than the validated rows: undo, and say what it said. */
  private async rollBackAltered(what: string): Promise<never> {
    const warnings = (await this.query('SHOW WARNINGS LIMIT 3')) as Array<{ Message: string }>;
    await this.query('ROLLBACK');
    throw new LoaderError(
      LoaderErrorCode.WRITE_FAILED,
      `the database altered or skipped validated rows (${what}); rolled back: ${warnings.map((w) => w.Message).join('; ')}`,
    );
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
      void (this.knex.client as Knex.Client).releaseConnection(this.conn);
      this.conn = null;
    }
  }
}

function writeFailed(error: unknown): LoaderError {
  if (error instanceof LoaderError) return error;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new LoaderError(LoaderErrorCode.WRITE_FAILED, `writing to the database failed: ${message}`, { cause: error });
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
      values[i] +
      '\t' +
      text(values[i + 1]) +
      '\t' +
      text(values[i + 2]) +
      '\t' +
      num(values[i + 3]) +
      '\t' +
      num(values[i + 4]) +
      '\t' +
      values[i + 5] +
      '\t' +
      text(values[i + 6]) +
      '\n';
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
