/**
 * How a drawn row's values are spelled, twice: as strings (for the rare rows
 * that get quoted, padded or broken) and straight into a byte buffer (for the
 * millions of plain rows, where building strings costs more in garbage
 * collection than everything else together). The two must agree byte for
 * byte; the generator tests check that by rendering a file both ways.
 *
 * Numbers are held as integer units and a scale (845.5 € = 84550 at scale 2)
 * so both spellings are exact and need no float-to-string conversion; they
 * are written like JavaScript's String(): no trailing fractional zeros.
 */

const HEX_DIGITS = '0123456789abcdef';
/** ASCII codes of the two hex digits of each byte value. */
const HEX_HI = new Uint8Array(256);
const HEX_LO = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  HEX_HI[i] = HEX_DIGITS.charCodeAt(i >>> 4);
  HEX_LO[i] = HEX_DIGITS.charCodeAt(i & 15);
}
const HEX_TEXT: readonly string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >>> 4] + HEX_DIGITS[i & 15]);

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const ZERO = 0x30;
const SPACE = 0x20;

export const POWERS_OF_TEN: readonly number[] = [1, 10, 100, 1000];

/** Four 32-bit words as a lower-case 8-4-4-4-12 uuid. */
export function uuidText(a: number, b: number, c: number, d: number): string {
  return (
    HEX_TEXT[a >>> 24] +
    HEX_TEXT[(a >>> 16) & 255] +
    HEX_TEXT[(a >>> 8) & 255] +
    HEX_TEXT[a & 255] +
    '-' +
    HEX_TEXT[b >>> 24] +
    HEX_TEXT[(b >>> 16) & 255] +
    '-' +
    HEX_TEXT[(b >>> 8) & 255] +
    HEX_TEXT[b & 255] +
    '-' +
    HEX_TEXT[c >>> 24] +
    HEX_TEXT[(c >>> 16) & 255] +
    '-' +
    HEX_TEXT[(c >>> 8) & 255] +
    HEX_TEXT[c & 255] +
    HEX_TEXT[d >>> 24] +
    HEX_TEXT[(d >>> 16) & 255] +
    HEX_TEXT[(d >>> 8) & 255] +
    HEX_TEXT[d & 255]
  );
}

function putByte(buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = HEX_HI[v]!;
  buf[pos + 1] = HEX_LO[v]!;
  return pos + 2;
}

export function putUuid(buf: Uint8Array, pos: number, a: number, b: number, c: number, d: number): number {
  pos = putByte(buf, pos, a >>> 24);
  pos = putByte(buf, pos, (a >>> 16) & 255);
  pos = putByte(buf, pos, (a >>> 8) & 255);
  pos = putByte(buf, pos, a & 255);
  buf[pos++] = DASH;
  pos = putByte(buf, pos, b >>> 24);
  pos = putByte(buf, pos, (b >>> 16) & 255);
  buf[pos++] = DASH;
  pos = putByte(buf, pos, (b >>> 8) & 255);
  pos = putByte(buf, pos, b & 255);
  buf[pos++] = DASH;
  pos = putByte(buf, pos, c >>> 24);
  pos = putByte(buf, pos, (c >>> 16) & 255);
  buf[pos++] = DASH;
  pos = putByte(buf, pos, (c >>> 8) & 255);
  pos = putByte(buf, pos, c & 255);
  pos = putByte(buf, pos, d >>> 24);
  pos = putByte(buf, pos, (d >>> 16) & 255);
  pos = putByte(buf, pos, (d >>> 8) & 255);
  return putByte(buf, pos, d & 255);
}

/** `units / 10^scale` spelled like String(): `845.5`, `12`, `0.05`. */
export function scaledText(units: number, scale: number): string {
  if (scale === 0) return String(units);
  const p = POWERS_OF_TEN[scale];
  let frac = units % p;
  const whole = (units - frac) / p;
  if (frac === 0) return String(whole);
  let digits = scale;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${whole}.${String(frac).padStart(digits, '0')}`;
}

/** Writes a non-negative integer in decimal. */
export function putInt(buf: Uint8Array, pos: number, n: number): number {
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  let end = pos + len;
  const result = end;
  let t = n;
  do {
    const q = Math.floor(t / 10);
    buf[--end] = ZERO + (t - q * 10);
    t = q;
  } while (t > 0);
  return result;
}

export function putScaled(buf: Uint8Array, pos: number, units: number, scale: number): number {
  if (scale === 0) return putInt(buf, pos, units);
  const p = POWERS_OF_TEN[scale];
  let frac = units % p;
  pos = putInt(buf, pos, (units - frac) / p);
  if (frac === 0) return pos;
  let digits = scale;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  buf[pos++] = DOT;
  // Leading zeros of the fraction (0.05), then its significant digits.
  let width = 1;
  for (let t = frac; t >= 10; t = Math.floor(t / 10)) width++;
  for (let z = width; z < digits; z++) buf[pos++] = ZERO;
  return putInt(buf, pos, frac);
}

/** A zip held as a number, always five digits (`1067` is `01067`). */
export function zipText(zip: number): string {
  return zip < 10000 ? `0${zip}` : String(zip);
}

export function putZip(buf: Uint8Array, pos: number, zip: number): number {
  if (zip < 10000) buf[pos++] = ZERO;
  return putInt(buf, pos, zip);
}

function put2(buf: Uint8Array, pos: number, n: number): number {
  buf[pos] = ZERO + ((n / 10) | 0);
  buf[pos + 1] = ZERO + (n % 10);
  return pos + 2;
}

/** `YYYY-MM-DD HH:MM:SS`, the date already encoded as ASCII. */
export function putTimestamp(buf: Uint8Array, pos: number, date: Uint8Array, secondOfDay: number): number {
  for (let i = 0; i < date.length; i++) buf[pos++] = date[i]!;
  buf[pos++] = SPACE;
  pos = put2(buf, pos, (secondOfDay / 3600) | 0);
  buf[pos++] = COLON;
  pos = put2(buf, pos, ((secondOfDay % 3600) / 60) | 0);
  buf[pos++] = COLON;
  return put2(buf, pos, secondOfDay % 60);
}

/** Copies pre-encoded ASCII (category and status names, separators). */
export function putBytes(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
  return pos;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => {
    const code = ch.charCodeAt(0);
    if (code > 0x7e) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
    return code;
  });
}
