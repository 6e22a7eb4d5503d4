import type { PostingValue } from './validate-posting';

/**
 * The multi-row `INSERT … ON DUPLICATE KEY UPDATE` text of the INSERT write
 * path, built by hand rather than through placeholders: one statement holds
 * tens of thousands of rows, and formatting them through a generic escaper
 * cost more CPU than the server spent executing them.
 */

export const POSTING_COLUMNS_SQL = '(uuid, category, zip_code, price, area, created_at, status)';
const UPDATED = ['category', 'zip_code', 'price', 'area', 'created_at', 'status'];

/**
 * How the statement names the incoming row. MySQL 8.0.20 deprecated
 * `VALUES(col)` in favour of a row alias (`AS new … col = new.col`);
 * MariaDB has no row alias and keeps `VALUES(col)`, as do MySQL servers
 * before 8.0.20 and engines that report such a version.
 */
export type UpsertSyntax = 'row-alias' | 'values-function';

export function upsertSyntaxFor(version: string): UpsertSyntax {
  if (/mariadb/i.test(version)) return 'values-function';
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return 'values-function';
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const atLeast8020 = major > 8 || (major === 8 && (minor > 0 || patch >= 20));
  return atLeast8020 ? 'row-alias' : 'values-function';
}

export const INSERT_HEAD = `INSERT INTO postings ${POSTING_COLUMNS_SQL} VALUES `;

/** What follows the last row tuple. */
export function upsertTail(syntax: UpsertSyntax): string {
  if (syntax === 'row-alias') return ` AS new ON DUPLICATE KEY UPDATE ${UPDATED.map((c) => `${c} = new.${c}`).join(', ')}`;
  return ` ON DUPLICATE KEY UPDATE ${UPDATED.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
}

/** One row as `(…)`, from the flat value array at `offset`. */
export function rowTuple(values: PostingValue[], offset: number): string {
  return (
    "('" +
    (values[offset] as string) +
    "'," +
    text(values[offset + 1]) +
    ',' +
    text(values[offset + 2]) +
    ',' +
    num(values[offset + 3]) +
    ',' +
    num(values[offset + 4]) +
    ",'" +
    (values[offset + 5] as string) +
    "'," +
    text(values[offset + 6]) +
    ')'
  );
}

/** Characters that change meaning inside a quoted literal in some sql_mode. */
const SPECIAL = /['\\\0]/;

/**
 * A string literal. The rare value holding a quote, backslash or NUL goes as
 * a hex literal with a charset introducer, which means the same under every
 * sql_mode (NO_BACKSLASH_ESCAPES changes what `\\` means, not what X'…' does).
 * The uuid and created_at are validated to plain ASCII and need neither.
 */
function text(value: PostingValue): string {
  if (value === null) return 'NULL';
  const s = value as string;
  if (!SPECIAL.test(s)) return "'" + s + "'";
  return "_utf8mb4 X'" + Buffer.from(s, 'utf8').toString('hex') + "'";
}

/**
 * A DOUBLE literal: the exponent makes the server parse the text as a float
 * (as LOAD DATA does), not as an exact DECIMAL converted afterwards.
 * String(n) round-trips every double, so both paths store the same bits.
 */
function num(value: PostingValue): string {
  if (value === null) return 'NULL';
  const s = String(value);
  return s.includes('e') ? s : s + 'e0';
}
