import { isUtf8 } from 'node:buffer';

/**
 * Decodes a byte stream piece by piece and says where it was not UTF-8.
 *
 * The contract rejects a row that is not valid UTF-8 (`bad_encoding`) and
 * shows it with each bad byte replaced by U+FFFD. Node's decoders replace
 * bad bytes silently (and a whole bad sequence with one U+FFFD), and a file
 * may hold a genuine U+FFFD, so the decoded text alone cannot tell. Each
 * piece is checked with `buffer.isUtf8` (simdutf: far faster than parsing),
 * and only a piece that fails is decoded byte by byte to find its bad bytes.
 */
export interface DecodedPiece {
  text: string;
  /** Positions in `text` of the U+FFFD that replaced bad bytes, ascending; absent when there are none. */
  badAt?: number[];
}

export class Utf8Decoder {
  /** The start of a character cut off at the end of the last piece. */
  private carry: Buffer | null = null;

  write(piece: Buffer): DecodedPiece {
    const bytes = this.carry === null ? piece : Buffer.concat([this.carry, piece]);
    const cut = completeLength(bytes);
    this.carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : null;
    return decode(cut === bytes.length ? bytes : bytes.subarray(0, cut));
  }

  /** The bytes of a character the input ended in the middle of are bad. */
  end(): DecodedPiece {
    const rest = this.carry;
    this.carry = null;
    return rest === null ? { text: '' } : decode(rest);
  }
}

function decode(bytes: Buffer): DecodedPiece {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8') };
  const badAt: number[] = [];
  let text = '';
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += bytes.toString('utf8', runStart, i);
    badAt.push(text.length);
    text += '\uFFFD';
    i++;
    runStart = i;
  }
  text += bytes.toString('utf8', runStart, bytes.length);
  return { text, badAt };
}

/**
 * Length of the well-formed UTF-8 sequence at `i` (Unicode 15, table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0 when the
 * byte at `i` does not start one; then that one byte is bad.
 */
function sequenceLength(bytes: Buffer, i: number): number {
  const b = bytes[i];
  const at = (k: number): number => (i + k < bytes.length ? bytes[i + k] : -1);
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => at(k) >= lo && at(k) <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/**
 * How much of `bytes` ends on a character boundary: everything but a
 * trailing lead byte whose continuation bytes have not all arrived (they
 * are carried to the next piece, where they are checked with the rest).
 */
function completeLength(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
