import { CR, NEWLINE } from './records';

/** 10^k for k ≤ 15: exact doubles, so `m / 10^k` is the correctly rounded value of a ≤15-digit decimal. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

export enum ScanOutcome {
  /** The line continues past the buffer: scan it again with more bytes. */
  Incomplete,
  /** Not a plain number on its own line: the general path decides. */
  Other,
  /** A plain number: `x`, `valueEnd` and `next` are set. */
  Plain,
}

/**
 * The fast path of the single-column batch file: a line of
 * `[blanks][sign]digits[.digits][blanks][\r]\n` with at most 15 digits,
 * parsed straight from the bytes. It accepts a strict subset of the decimal
 * grammar (`parseDecimal`) and gives the same value for it (a ≤15-digit
 * mantissa over an exact power of ten rounds once, like `Number`); every
 * other line, exponents included, is left to the general path. Results are
 * fields, not objects, because it runs once per row on million-row uploads.
 */
export class PlainNumberScanner {
  x = 0;
  /** End of the line's text, before `\r\n` (trailing blanks are kept in the pass-through). */
  valueEnd = 0;
  /** Where the next line starts. */
  next = 0;

  constructor(private readonly maxLineBytes: number) {}

  scan(buf: Uint8Array, pos: number, atEnd: boolean): ScanOutcome {
    const len = buf.length;
    let i = pos;
    let c = buf[i];
    while (c === 32 || c === 9) c = buf[++i];
    let negative = false;
    if (c === 45 || c === 43) {
      negative = c === 45;
      c = buf[++i];
    }
    let m = 0;
    let digits = 0;
    let fraction = 0;
    let dot = false;
    for (;;) {
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        if (dot) fraction++;
      } else if (c === 46 && !dot) {
        dot = true;
      } else {
        break;
      }
      c = buf[++i];
    }
    const valueEnd = i;
    while (c === 32 || c === 9) c = buf[++i];
    if (c === CR && (i + 1 === len || buf[i + 1] === NEWLINE)) c = buf[++i];
    if (i >= len && !atEnd) return i - pos > this.maxLineBytes ? ScanOutcome.Other : ScanOutcome.Incomplete;
    if ((c !== NEWLINE && i < len) || digits === 0 || digits > 15 || i - pos > this.maxLineBytes) return ScanOutcome.Other;
    let end = valueEnd;
    while (end < i && buf[end] !== CR && buf[end] !== NEWLINE) end++;
    const x = m / POW10[fraction];
    this.x = negative ? -x : x;
    this.valueEnd = end;
    this.next = i + 1;
    return ScanOutcome.Plain;
  }
}
