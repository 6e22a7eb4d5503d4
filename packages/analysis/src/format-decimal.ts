/**
 * The number rule of every CSV we write (answer files and batch
 * predictions alike, per the data contract's answer-file rule): a plain
 * decimal rounded to 6 places, trailing zeros and a bare '.' dropped, never
 * an exponent or a thousands separator; -0 is written 0. toFixed rounds the
 * exact binary value, so the same double always gives the same text on
 * every machine. A non-finite value has no plain-decimal form and is
 * written empty.
 */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value)) return '';
  // toFixed switches to exponent notation from 1e21 on; doubles that large
  // are whole numbers, which BigInt prints in full.
  const fixed = Math.abs(value) >= 1e21 ? BigInt(value).toString() : value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** NULL is an empty cell. */
export function formatNullable(value: number | null): string {
  return value === null ? '' : formatDecimal(value);
}

/**
 * Longest text `formatDecimal` can produce: the largest double has 309
 * integer digits, plus a sign (values that large have no fraction).
 */
export const MAX_DECIMAL_LENGTH = 310;

const SCALE = 1e6;
/** Below this magnitude `|value| * 1e6` is an exact integer in a double. */
const FAST_LIMIT = 9e9;
const digits = new Uint8Array(32);

/**
 * `formatDecimal(value)` written as ASCII bytes into `out` at `offset`;
 * returns the offset after it. The same rule, for writers of millions of
 * cells (batch predictions), where building a string per number costs more
 * than everything else combined. `out` needs MAX_DECIMAL_LENGTH bytes free.
 */
export function writeDecimal(out: Uint8Array, offset: number, value: number): number {
  let o = offset;
  const abs = value < 0 ? -value : value;
  if (!(abs < FAST_LIMIT)) return writeAscii(out, o, formatDecimal(value));
  const product = abs * SCALE;
  // `abs * 1e6` is itself rounded; within a few ulps of a .5 tie the integer
  // rounding could go the wrong way, so those rare values take toFixed,
  // which rounds the exact decimal value.
  const tie = product - Math.floor(product) - 0.5;
  if ((tie < 0 ? -tie : tie) <= product * 4.5e-16) return writeAscii(out, o, formatDecimal(value));
  const scaled = Math.round(product);
  if (scaled === 0) {
    out[o++] = 48;
    return o;
  }
  if (value < 0) out[o++] = 45; // '-'
  let int = Math.floor(scaled / SCALE);
  let frac = scaled - int * SCALE;
  let n = 0;
  do {
    const q = Math.floor(int / 10);
    digits[n++] = 48 + (int - q * 10);
    int = q;
  } while (int > 0);
  while (n > 0) out[o++] = digits[--n];
  if (frac > 0) {
    let places = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      places--;
    }
    out[o++] = 46; // '.'
    for (let p = places - 1; p >= 0; p--) {
      const q = Math.floor(frac / 10);
      digits[p] = 48 + (frac - q * 10);
      frac = q;
    }
    for (let p = 0; p < places; p++) out[o++] = digits[p];
  }
  return o;
}

function writeAscii(out: Uint8Array, offset: number, text: string): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
  return o;
}
