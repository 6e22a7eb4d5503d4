import { findRecordEnd } from 'loader';

/**
 * Record boundaries over raw bytes. Records are cut at `\n` bytes, which
 * never occur inside a UTF-8 sequence, so each record can be decoded on its
 * own and no decoder state crosses chunks. Where a quote is involved the
 * loader's `findRecordEnd` decides (the contract's one quote rule: a quote
 * opens a quoted field only at a field's start).
 */

export const NEWLINE = 10;
export const CR = 13;
export const QUOTE = 34;
const BOM = '\uFEFF';

/**
 * Finds record ends in one buffer, remembering where the next quote is so
 * a file without quotes is split with `indexOf` alone.
 */
export class RecordEnds {
  private buf: Buffer = Buffer.alloc(0);
  /** Next quote at or after the last position asked: -1 none left, -2 not looked for yet. */
  private quoteAt = -2;

  reset(buf: Buffer): void {
    this.buf = buf;
    this.quoteAt = -2;
  }

  /** End (the `\n`) of the record starting at `from`; -1 if it is not complete in the buffer. */
  after(from: number): number {
    const buf = this.buf;
    const newline = buf.indexOf(NEWLINE, from);
    if (this.quoteAt === -2 || (this.quoteAt >= 0 && this.quoteAt < from)) this.quoteAt = buf.indexOf(QUOTE, from);
    const quote = this.quoteAt;
    if (quote >= 0 && (newline < 0 || quote < newline)) return findRecordEnd(buf, from);
    return newline;
  }
}

/** Newlines inside `[start, end)`: the lines a quoted record spans beyond its first. */
export function newlinesIn(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (buf[i] === NEWLINE) n++;
  return n;
}

/** The text of the record `[start, end)` without its `\r`, and without a BOM when `first`. */
export function recordText(buf: Buffer, start: number, end: number, first = false): string {
  const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
  const text = buf.toString('utf8', start, stop);
  return first && text.startsWith(BOM) ? text.slice(1) : text;
}

/** True when `buf` starts with the UTF-8 byte order mark. */
export function startsWithBom(buf: Uint8Array): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}
