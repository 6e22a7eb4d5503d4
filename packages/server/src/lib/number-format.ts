/**
 * Predictions in CSV output follow the answer-file rule of the data
 * contract: plain decimals rounded to 6 decimal places, trailing zeros
 * dropped (`830129.6000000001` → `830129.6`). JSON answers keep full
 * precision. Written straight into a byte buffer because on a million-row
 * upload `String(number)` alone costs more than everything else combined.
 */

const SCALE = 1e6;
/** Below this magnitude `|y| * 1e6` is an exact integer in a double. */
const FAST_LIMIT = 9e9;
const digits = new Uint8Array(32);

/** Longest output of `writePrediction`, for sizing buffers. */
export const MAX_PREDICTION_BYTES = 32;

/** Writes `y` at `offset` and returns the offset after it. `y` must be finite. */
export function writePrediction(out: Buffer, offset: number, y: number): number {
  let o = offset;
  const abs = y < 0 ? -y : y;
  if (!(abs < FAST_LIMIT)) return o + out.write(formatFixed(y), o, 'latin1');
  const product = abs * SCALE;
  // `abs * 1e6` is itself rounded; within a few ulps of a .5 tie the integer
  // rounding could go the wrong way, so those rare values take toFixed, which
  // rounds the exact decimal value.
  const tie = product - Math.floor(product) - 0.5;
  if ((tie < 0 ? -tie : tie) <= product * 4.5e-16) return o + out.write(formatFixed(y), o, 'latin1');
  const scaled = Math.round(product);
  if (scaled === 0) {
    out[o++] = 48;
    return o;
  }
  if (y < 0) out[o++] = 45; // '-'
  let int = Math.floor(scaled / SCALE);
  let frac = scaled - int * SCALE;
  let n = 0;
  do {
    const q = Math.floor(int / 10);
    digits[n++] = 48 + (int - q * 10);
    int = q;
  } while (int > 0);
  while (n > 0) out[o++] = digits[--n] as number;
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
    for (let p = 0; p < places; p++) out[o++] = digits[p] as number;
  }
  return o;
}

/** The same rule as a string (tests, and any caller without a buffer). */
export function formatPrediction(y: number): string {
  const buf = Buffer.allocUnsafe(MAX_PREDICTION_BYTES);
  return buf.toString('latin1', 0, writePrediction(buf, 0, y));
}

function formatFixed(y: number): string {
  // toFixed stays a plain decimal up to 1e21; beyond, six decimals are noise anyway.
  if (Math.abs(y) >= 1e21) return String(y);
  const fixed = y.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}
