import type { Knex } from 'knex';
import { AnalysisError, AnalysisErrorCode } from './errors';

/**
 * Everything that must be written differently for MySQL/MariaDB and SQLite
 * lives here, so each question is one SQL text with a few holes. Both
 * engines store created_at as UTC wall-clock time ('YYYY-MM-DD HH:MM:SS'
 * text on SQLite, DATETIME on MySQL); nothing here depends on a session or
 * process time zone, and every day or month leaves the database as text so
 * no driver turns it into a local-time JS Date.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'mysql';
  /** The UTC day of a DATETIME, as a value to group by. */
  day(expr: string): string;
  /** A day value (as `day` returns) as 'YYYY-MM-DD' text. */
  dayText(expr: string): string;
  /** The month of a DATETIME as 'YYYY-MM' text. */
  monthText(expr: string): string;
  /** A cheap grouping key for the month of a DATETIME, in month order. */
  monthKey(expr: string): string;
  /** The postings table for a query that reads every row anyway. */
  readonly postingsScan: string;
  /**
   * Question 1 guesses the median's bands from a sample and reads the table
   * once, instead of twice (see `avgPricePerM2`).
   */
  readonly medianInOneScan: boolean;
}

const sqlite: Dialect = {
  name: 'sqlite',
  // The stored text starts with the day; substr keeps it a plain string.
  day: (expr) => `substr(${expr}, 1, 10)`,
  dayText: (expr) => expr,
  monthText: (expr) => `substr(${expr}, 1, 7)`,
  monthKey: (expr) => `substr(${expr}, 1, 7)`,
  // Left to itself SQLite walks the (category, status) index to get rows
  // in category order and looks each one up by uuid: twice the work of
  // reading the table once.
  postingsScan: 'postings NOT INDEXED',
  // Its second scan reads pages its cache already holds, and its GROUP BY
  // sorts every row, so more groups cost more than they save: measured
  // 1.2-1.6x slower for question 1 at 1M rows (docs/benchmarks.md).
  medianInOneScan: false,
};

const mysql: Dialect = {
  name: 'mysql',
  day: (expr) => `DATE(${expr})`,
  dayText: (expr) => `DATE_FORMAT(${expr}, '%Y-%m-%d')`,
  monthText: (expr) => `DATE_FORMAT(${expr}, '%Y-%m')`,
  // An integer YYYYMM groups three times faster than formatted text.
  monthKey: (expr) => `EXTRACT(YEAR_MONTH FROM ${expr})`,
  postingsScan: 'postings',
  // A table larger than the buffer pool is read from disk on every scan.
  medianInOneScan: true,
};

/** The knex client names this library is tested on. */
export function dialectOf(knex: Knex): Dialect {
  // knex types `client` as any; only its configured name matters here.
  const client: unknown = (knex.client as { config?: { client?: unknown } }).config?.client;
  if (client === 'better-sqlite3') return sqlite;
  if (client === 'mysql2') return mysql;
  throw new AnalysisError(
    AnalysisErrorCode.UNSUPPORTED_DATABASE,
    `the analysis runs on knex clients better-sqlite3 and mysql2, not ${typeof client === 'string' ? client : 'this one'}`,
  );
}

/**
 * Runs a raw SELECT and returns its rows: mysql2 answers [rows, fields],
 * better-sqlite3 the rows alone. Row values stay `unknown` until converted.
 */
export async function selectRows(
  knex: Knex,
  dialect: Dialect,
  sql: string,
  bindings: readonly Knex.Value[] = [],
): Promise<Array<Record<string, unknown>>> {
  const result: unknown = await knex.raw(sql, bindings);
  const rows: unknown = dialect.name === 'mysql' && Array.isArray(result) ? result[0] : result;
  if (!Array.isArray(rows)) {
    throw new TypeError(`expected rows from ${dialect.name}, got ${typeof rows}`);
  }
  return rows as Array<Record<string, unknown>>;
}

/**
 * Drivers return counts as numbers, DECIMAL sums as strings and, with big
 * number options, BIGINTs as strings or bigints: all become numbers here.
 */
export function toNumber(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  if (Number.isNaN(n)) throw new TypeError(`expected a number for ${what}, got ${String(value)}`);
  return n;
}

export function toNullableNumber(value: unknown, what: string): number | null {
  return value === null || value === undefined ? null : toNumber(value, what);
}

export function toText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new TypeError(`expected text for ${what}, got ${typeof value}`);
}

/**
 * UTF-8 byte order: what SQLite's BINARY collation and MySQL's utf8mb4_bin
 * sort by, so rows are ordered the same whichever engine produced them
 * (a plain `<` on JS strings compares UTF-16 units and differs above U+FFFF).
 */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
