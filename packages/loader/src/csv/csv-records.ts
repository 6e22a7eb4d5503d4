/**
 * CSV record splitting: the one implementation of the data contract's CSV
 * dialect (shared/spec/postings.md, "The file"), used by the loader's ingest
 * and by the server's batch path.
 *
 * Dialect: RFC 4180 with `\n` or `\r\n` endings (a bare `\r` is data), a
 * UTF-8 BOM before the first record ignored, a line that is empty or only
 * spaces/tabs skipped. Lenient where RFC 4180 says "invalid", because the
 * files come from other programs: blanks before an opening quote are
 * allowed, text between a closing quote and the next comma is kept, and a
 * quote inside an unquoted field is an ordinary character. A quote opens a
 * quoted field only at the start of a field.
 *
 * API (all a caller needs):
 * - `new CsvRecordSplitter(sink, options)`, then `push(text, badAt?)` any
 *   number of times and `end()` once: streaming; each record goes to
 *   `sink.record(fields, line, text, rawStart, rawEnd)` (the raw text is
 *   sliced only on demand, as most records are never reported), and a
 *   record that cannot be read goes to `sink.unreadable(line, raw, problem)`.
 *   Either callback may throw to stop the input (the server refuses an
 *   upload that way).
 * - `splitRecords(text, options)`: the same for a whole string at once.
 * - `findRecordEnd(data, from)`: where a record ends, on text or on bytes,
 *   for callers that parse plain lines themselves and need the quote rule
 *   only for the rest.
 *
 * Options, where the loader and the server differ on purpose:
 * - `trim` (default true): fields are trimmed of spaces and tabs, as the
 *   contract says of cells. The server echoes rows back as written, so it
 *   turns this off and trims the one cell it reads.
 * - `maxRecordBytes` (default 1 MiB): the record-length limit. A record
 *   (from its first character to the end of its last line, line ending
 *   excluded) longer than this many UTF-8 bytes is reported as
 *   `unreadable(line, firstLine, 'over_limit')` at its first physical line,
 *   and splitting resumes at the line after that first line: an opening
 *   quote that never closes costs one row, never the rest of the input, and
 *   memory stays bounded by the limit. `firstLine` is that line's text, cut
 *   to the limit when the line alone is longer (the rest of such a line is
 *   read and dropped, never held). The loader's default is the contract's;
 *   the server passes its smaller upload limit.
 *
 * Bad encoding: the caller decodes bytes and passes, with each piece of
 * text, the positions of the characters that replaced invalid UTF-8 bytes
 * (`badAt`); a record holding one is reported as
 * `unreadable(line, raw, 'bad_encoding')` (checked before the length limit),
 * never as fields. Without `badAt` nothing is checked, at no cost.
 */

import { trimCell } from '../ingest/validate-posting';

export type UnreadableProblem = 'bad_encoding' | 'over_limit';

export interface CsvRecordSink {
  /**
   * One record. `fields` is owned by the callee. `line` is the physical line
   * the record starts on (1-based; blank lines and newlines inside quotes
   * count). Its raw text, without the line ending, is
   * `text.slice(rawStart, rawEnd)`.
   */
  record(fields: string[], line: number, text: string, rawStart: number, rawEnd: number): void;
  /** A record that cannot be split into fields; see the header comment. */
  unreadable(line: number, raw: string, problem: UnreadableProblem): void;
}

export interface CsvSplitOptions {
  /** Trim spaces and tabs around every field (default true). */
  trim?: boolean;
  /** The record-length limit in UTF-8 bytes (default `DEFAULT_MAX_RECORD_BYTES`). */
  maxRecordBytes?: number;
}

/** The contract's default record-length limit: 1 MiB. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

export class CsvRecordSplitter {
  private readonly trim: boolean;
  private readonly maxBytes: number;
  /** A record this many UTF-16 units long cannot exceed the limit (a unit is at most 3 UTF-8 bytes). */
  private readonly safeUnits: number;
  private pieces: string[] = [];
  private pendingLength = 0;
  /** Do not re-scan an unfinished record until this much text is pending. */
  private nextAttemptAt = 0;
  private line = 1;
  private started = false;
  /** Units pushed so far, and the absolute position of the pending text's first unit. */
  private pushed = 0;
  private base = 0;
  /** Absolute positions of characters that replaced bad bytes, ascending; `badHead` is the next unchecked. */
  private bad: number[] = [];
  private badHead = 0;
  /** A first physical line longer than the limit, being read to its end and dropped. */
  private skipping: { line: number; raw: string; bad: boolean } | null = null;

  constructor(
    private readonly sink: CsvRecordSink,
    options: CsvSplitOptions = {},
  ) {
    this.trim = options.trim ?? true;
    const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxRecordBytes must be a positive whole number, got ${max}`);
    this.maxBytes = max;
    this.safeUnits = Math.floor(max / 3);
  }

  /**
   * Feeds decoded text; complete records are delivered at once. `badAt`:
   * ascending positions in `text` of characters that replaced bad bytes.
   */
  push(text: string, badAt?: readonly number[]): void {
    if (text.length === 0) return;
    let shift = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
        shift = 1;
      }
    }
    if (badAt !== undefined) for (const at of badAt) this.bad.push(this.pushed + at - shift);
    this.pushed += text.length;
    this.pieces.push(text);
    this.pendingLength += text.length;
    // A record longer than a piece would be re-scanned from its start on
    // every piece; waiting until the pending text has doubled keeps the
    // total work linear. Past the limit it is scanned at once, and dropped.
    if (this.pendingLength < this.nextAttemptAt && this.pendingLength <= this.maxBytes) return;
    this.scan(false);
  }

  /** Signals the end of input; a last record without a line ending is delivered. */
  end(): void {
    this.scan(true);
  }

  private scan(final: boolean): void {
    const text = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.pieces = [];
    const consumed = this.scanText(text, final);
    const rest = consumed === 0 ? text : text.slice(consumed);
    this.base += consumed;
    if (rest.length > 0) this.pieces.push(rest);
    this.pendingLength = rest.length;
    this.nextAttemptAt = rest.length > 65536 ? rest.length * 2 : 0;
    if (this.badHead > 1024 && this.badHead * 2 > this.bad.length) {
      this.bad = this.bad.slice(this.badHead);
      this.badHead = 0;
    }
  }

  /** Delivers every complete record in `text`; returns how much was consumed. */
  private scanText(text: string, final: boolean): number {
    const sink = this.sink;
    const length = text.length;
    let pos = 0;
    let line = this.line;

    if (this.skipping !== null) {
      const skipped = this.skipping;
      const newline = text.indexOf('\n');
      if (this.hasBad(0, newline === -1 ? length : newline)) skipped.bad = true;
      if (newline === -1 && !final) return length;
      this.skipping = null;
      sink.unreadable(skipped.line, skipped.raw, skipped.bad ? 'bad_encoding' : 'over_limit');
      line = skipped.line + 1;
      pos = newline === -1 ? length : newline + 1;
    }

    let nextQuote = text.indexOf('"', pos);
    if (nextQuote === -1) nextQuote = length;

    while (pos < length) {
      let newline = text.indexOf('\n', pos);
      if (nextQuote < pos) {
        nextQuote = text.indexOf('"', pos);
        if (nextQuote === -1) nextQuote = length;
      }
      if (newline === -1 && !final) {
        if (this.overLimit(text, pos, length, true)) {
          pos = this.dropFirstLine(text, pos, line, false);
          if (this.skipping !== null) break;
          line++;
          continue;
        }
        break;
      }
      if (newline === -1) newline = length;
      if (nextQuote >= newline) {
        // A plain line: no quote before its end.
        const contentEnd = newline > pos && text.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
        if (!isBlank(text, pos, contentEnd)) {
          if (contentEnd - pos > this.safeUnits && this.overLimit(text, pos, contentEnd, false)) {
            this.dropFirstLine(text, pos, line, final);
          } else if (this.badHead < this.bad.length && this.hasBad(pos, contentEnd)) {
            sink.unreadable(line, text.slice(pos, contentEnd), 'bad_encoding');
          } else {
            const fields = text.slice(pos, contentEnd).split(',');
            if (this.trim) {
              for (let i = 0; i < fields.length; i++) {
                const f = fields[i];
                if (f.length > 0) {
                  const a = f.charCodeAt(0);
                  const b = f.charCodeAt(f.length - 1);
                  if (a === SPACE || a === TAB || b === SPACE || b === TAB) fields[i] = trimCell(f);
                }
              }
            }
            sink.record(fields, line, text, pos, contentEnd);
          }
        }
        line++;
        pos = newline + 1;
        continue;
      }
      // A line with a quote: the record may span lines.
      let end = findRecordEnd(text, pos);
      if (end === -1) {
        if (!final) {
          if (this.overLimit(text, pos, length, true)) {
            pos = this.dropFirstLine(text, pos, line, false);
            if (this.skipping !== null) break;
            line++;
            continue;
          }
          break; // the record continues beyond the text we have
        }
        end = length; // an unterminated quote runs to the end of the input
      }
      const rawEnd = end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (rawEnd - pos > this.safeUnits && this.overLimit(text, pos, rawEnd, false)) {
        // The limit decides what the row is (its first line); then that
        // row's encoding is checked, in dropFirstLine.
        pos = this.dropFirstLine(text, pos, line, final);
        line++;
        continue;
      }
      if (this.badHead < this.bad.length && this.hasBad(pos, rawEnd)) {
        sink.unreadable(line, text.slice(pos, rawEnd), 'bad_encoding');
      } else {
        sink.record(splitFields(text, pos, rawEnd, this.trim), line, text, pos, rawEnd);
      }
      line += countNewlines(text, pos, end) + 1;
      pos = end + 1;
    }
    this.line = line;
    return Math.min(pos, length);
  }

  /** True when `text[from, to)` is longer than the limit; `open`: more may follow, so a last `\r` may be a line ending. */
  private overLimit(text: string, from: number, to: number, open: boolean): boolean {
    if (open && to > from && text.charCodeAt(to - 1) === CR) to--;
    const units = to - from;
    if (units <= this.safeUnits) return false;
    if (units > this.maxBytes) return true;
    return Buffer.byteLength(text.slice(from, to)) > this.maxBytes;
  }

  /**
   * Reports the over-long record starting at `pos` at its first physical
   * line and returns where splitting resumes: the line after it, or the end
   * of `text` when that line is not complete yet (it is then skipped as it
   * arrives) or is the input's last.
   */
  private dropFirstLine(text: string, pos: number, line: number, final: boolean): number {
    let newline = text.indexOf('\n', pos);
    if (newline === -1 && final) newline = text.length;
    if (newline === -1) {
      this.skipping = { line, raw: cutToBytes(text.slice(pos), this.maxBytes), bad: this.hasBad(pos, text.length) };
      this.line = line;
      return text.length;
    }
    const lineEnd = newline > pos && text.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
    const bad = this.hasBad(pos, lineEnd);
    this.sink.unreadable(line, cutToBytes(text.slice(pos, lineEnd), this.maxBytes), bad ? 'bad_encoding' : 'over_limit');
    return newline + 1;
  }

  /** Whether a bad character lies in `text[from, to)`; forgets every bad position before `to`. */
  private hasBad(from: number, to: number): boolean {
    const bad = this.bad;
    const start = this.base + from;
    const end = this.base + to;
    let found = false;
    while (this.badHead < bad.length && bad[this.badHead] < end) {
      if (bad[this.badHead] >= start) found = true;
      this.badHead++;
    }
    return found;
  }
}

/** One record of `splitRecords`: fields, or the problem that kept it from having any. */
export interface CsvRecord {
  fields: string[];
  line: number;
  raw: string;
  problem?: UnreadableProblem;
}

/** Splits a whole string into records (see the header comment for the rules and options). */
export function splitRecords(text: string, options: CsvSplitOptions = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  const splitter = new CsvRecordSplitter(
    {
      record(fields, line, source, rawStart, rawEnd) {
        records.push({ fields, line, raw: source.slice(rawStart, rawEnd) });
      },
      unreadable(line, raw, problem) {
        records.push({ fields: [], line, raw, problem });
      },
    },
    options,
  );
  splitter.push(text);
  splitter.end();
  return records;
}

/**
 * Index of the `\n` that ends the record starting at `from`, under the
 * quote rule above (a quote opens a quoted field only at a field's start);
 * -1 when `data` ends first. Works on text and on UTF-8 bytes alike, as
 * every character it looks at is ASCII.
 */
export function findRecordEnd(data: string | Uint8Array, from: number): number {
  const text = typeof data === 'string' ? data : null;
  const bytes = typeof data === 'string' ? null : data;
  const at = (i: number): number => (text !== null ? text.charCodeAt(i) : (bytes as Uint8Array)[i]);
  const quoteFrom = (i: number): number => (text !== null ? text.indexOf('"', i) : (bytes as Uint8Array).indexOf(QUOTE, i));
  const length = data.length;
  let i = from;
  for (;;) {
    let j = i;
    while (j < length && (at(j) === SPACE || at(j) === TAB)) j++;
    if (j < length && at(j) === QUOTE) {
      let k = j + 1;
      for (;;) {
        const q = quoteFrom(k);
        if (q === -1 || q + 1 >= length) return -1;
        if (at(q + 1) === QUOTE) {
          k = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    // An unquoted field, or the text after a closing quote: to the next comma or line feed.
    let c = 0;
    while (i < length) {
      c = at(i);
      if (c === COMMA || c === LF) break;
      i++;
    }
    if (i >= length) return -1;
    if (c === LF) return i;
    i++;
  }
}

/** Splits the complete record `text[start, end)` (line ending excluded) into fields. */
function splitFields(text: string, start: number, end: number, trim: boolean): string[] {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    let j = i;
    while (j < end && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
    let value: string;
    if (j < end && text.charCodeAt(j) === QUOTE) {
      let segStart = j + 1;
      let k: number;
      value = '';
      for (;;) {
        const q = text.indexOf('"', segStart);
        if (q === -1 || q >= end) {
          value += text.slice(segStart, end); // unterminated: runs to the record's end
          k = end;
          break;
        }
        if (q + 1 < end && text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(segStart, q + 1);
          segStart = q + 2;
          continue;
        }
        value += text.slice(segStart, q);
        k = q + 1;
        break;
      }
      // Text between the closing quote and the delimiter is kept.
      let m = k;
      while (m < end && text.charCodeAt(m) !== COMMA) m++;
      if (m > k) value += text.slice(k, m);
      i = m;
    } else {
      let m = j;
      while (m < end && text.charCodeAt(m) !== COMMA) m++;
      value = text.slice(i, m);
      i = m;
    }
    fields.push(trim ? trimCell(value) : value);
    if (i >= end) return fields;
    i++; // the comma
  }
}

/** `value` cut to at most `maxBytes` UTF-8 bytes, at a character boundary. */
function cutToBytes(value: string, maxBytes: number): string {
  if (value.length * 3 <= maxBytes) return value;
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= maxBytes) return value;
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.toString('utf8', 0, cut);
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}
