import type { RejectReason } from './reject-reasons';

/**
 * Validates one row against the contract and, when it is good, appends its
 * seven database values to `out` (uuid, category, zip_code, price, area,
 * created_at, status). Returns the reject reason, or null when accepted.
 * Written as straight-line code over char codes: it runs once per row.
 */
export type PostingValue = string | number | null;

const MAX_TEXT = 25;

export function validatePosting(fields: string[], positions: readonly number[], out: PostingValue[]): RejectReason | null {
  if (fields.length !== 7) return 'column_count';
  const uuid = canonicalUuid(fields[positions[0]]);
  if (uuid === null) return 'bad_uuid';
  const category = fields[positions[1]];
  if (category.length === 0) return 'missing_category';
  const status = fields[positions[6]];
  if (status.length === 0) return 'missing_status';
  const priceText = fields[positions[3]];
  const price = priceText.length === 0 ? null : parseAmount(priceText);
  if (price !== null && Number.isNaN(price)) return 'bad_price';
  const areaText = fields[positions[4]];
  const area = areaText.length === 0 ? null : parseAmount(areaText);
  if (area !== null && Number.isNaN(area)) return 'bad_area';
  const createdAt = parseTimestamp(fields[positions[5]]);
  if (createdAt === null) return 'bad_created_at';
  const zip = fields[positions[2]];
  if (tooLong(category) || tooLong(status) || tooLong(zip)) return 'too_long';
  out.push(uuid, category, zip.length === 0 ? null : zip, price, area, createdAt, status);
  return null;
}

/**
 * The contract's trimming of a cell: spaces and tabs only, at both ends;
 * every other character (NBSP, `\v`, …) is data.
 */
export function trimCell(value: string): string {
  let a = 0;
  let b = value.length;
  while (a < b && isSpaceOrTab(value.charCodeAt(a))) a++;
  while (b > a && isSpaceOrTab(value.charCodeAt(b - 1))) b--;
  return a === 0 && b === value.length ? value : value.slice(a, b);
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

function tooLong(value: string): boolean {
  if (value.length <= MAX_TEXT) return false;
  // Lengths are in characters, as the database counts them, not UTF-16 units.
  let count = 0;
  for (const _ of value) if (++count > MAX_TEXT) return true;
  return false;
}

/** Canonical 8-4-4-4-12 hex UUID, lower-cased; null when it is not one. */
export function canonicalUuid(value: string): string | null {
  if (value.length !== 36) return null;
  let upper = false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return null;
    } else if (c >= 48 && c <= 57) {
      // digit
    } else if (c >= 97 && c <= 102) {
      // a-f
    } else if (c >= 65 && c <= 70) {
      upper = true;
    } else {
      return null;
    }
  }
  return upper ? value.toLowerCase() : value;
}

/**
 * The contract's plain decimal: optional sign, digits with an optional
 * fraction or a bare fraction (`5.`, `.5`), optional exponent; no
 * separators, units, hex, `NaN` or `Infinity`. Linear time (no nested
 * quantifiers), so a long hostile cell cannot stall a request. The server
 * uses it for every number a person types.
 */
export const DECIMAL_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A price or area: a trimmed plain decimal that is finite and >= 0; NaN when
 * it is not. `-0` comes back as 0.
 */
export function parseAmount(value: string): number {
  if (!DECIMAL_PATTERN.test(value)) return NaN;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return NaN;
  return n === 0 ? 0 : n; // -0 is stored as 0
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * `YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±hh:mm|±hhmm]` to UTC `YYYY-MM-DD HH:MM:SS`,
 * the fraction dropped (not rounded); null when malformed or not a real
 * date and time.
 */
export function parseTimestamp(value: string): string | null {
  const length = value.length;
  if (length < 19) return null;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    value.charCodeAt(4) !== 45 ||
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(13) !== 58 ||
    value.charCodeAt(16) !== 58
  ) {
    return null;
  }
  const sep = value.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return null;
  const maxDay = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  // MySQL DATETIME supports years 1000-9999 only; both engines must agree.
  if (day > maxDay || year < 1000) return null;
  let i = 19;
  if (i < length && value.charCodeAt(i) === 46) {
    i++;
    const fractionStart = i;
    while (i < length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
    if (i === fractionStart) return null;
  }
  let offsetMinutes = 0;
  if (i < length) {
    const z = value.charCodeAt(i);
    if (z === 90 && i + 1 === length) {
      i++;
    } else if (z === 43 || z === 45) {
      const rest = length - i - 1;
      let oh: number;
      let om: number;
      if (rest === 5 && value.charCodeAt(i + 3) === 58) {
        oh = digits(value, i + 1, 2);
        om = digits(value, i + 4, 2);
      } else if (rest === 4) {
        oh = digits(value, i + 1, 2);
        om = digits(value, i + 3, 2);
      } else {
        return null;
      }
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return null;
      offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
      i = length;
    } else {
      return null;
    }
  }
  if (i !== length) return null;
  if (offsetMinutes === 0) {
    return sep === 32 && length === 19 ? value : `${value.slice(0, 10)} ${value.slice(11, 19)}`;
  }
  // setUTCFullYear, because Date.UTC maps years 0-99 onto 1900-1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  const utc = new Date(local.getTime() - offsetMinutes * 60000);
  const y = utc.getUTCFullYear();
  if (y < 1000 || y > 9999) return null;
  return `${pad(y, 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)} ${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
