import { MAX_DECIMAL_LENGTH, writeDecimal } from 'analysis';
import { csvCell } from '../csv';
import type { RowBatch } from './row-batch';
import { NEWLINE } from './records';

const COMMA = 44;
const OVERFLOW_CELL = csvCell('prediction overflows: x is too far outside the training range');
/** Per row beyond its pass-through and problem text: two commas, a newline, a prediction or the overflow note. */
const ROW_OVERHEAD_BYTES = Math.max(MAX_DECIMAL_LENGTH, OVERFLOW_CELL.length) + 3;

/**
 * Serialises predicted rows as CSV lines: the row as it came in, then
 * `,prediction,error`. Predictions use the contract's one number format
 * (analysis' `writeDecimal`). Each batch is written into one reused scratch
 * buffer and copied out at its exact size, so what waits in the stream's
 * queue is the output itself, never a worst-case allocation behind it.
 */
export class RowWriter {
  private scratch = Buffer.alloc(0);
  /** Rows of the last batch that got an error instead of a prediction. */
  failed = 0;

  /** `source` is the input buffer the rows' byte ranges point into (null if none do). */
  write(rows: RowBatch, predictions: Float64Array, source: Buffer | null): Buffer {
    const n = rows.n;
    const needed = rows.bytes + n * ROW_OVERHEAD_BYTES;
    if (this.scratch.length < needed) this.scratch = Buffer.allocUnsafe(Math.max(needed, this.scratch.length * 2));
    const out = this.scratch;
    let o = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const start = rows.start[i];
      if (start >= 0 && source !== null) {
        const end = rows.end[i];
        if (end - start > 32) o += source.copy(out, o, start, end);
        else for (let j = start; j < end; j++) out[o++] = source[j];
      } else {
        o += out.write(rows.text[i] as string, o, 'utf8');
      }
      out[o++] = COMMA;
      const problem = rows.problem[i];
      const y = predictions[i];
      if (problem !== undefined) {
        out[o++] = COMMA;
        o += out.write(problem, o, 'utf8');
        failed++;
      } else if (y - y !== 0) {
        out[o++] = COMMA;
        o += out.write(OVERFLOW_CELL, o, 'latin1');
        failed++;
      } else {
        o = writeDecimal(out, o, y);
        out[o++] = COMMA;
      }
      out[o++] = NEWLINE;
    }
    this.failed = failed;
    return Buffer.from(out.subarray(0, o));
  }
}
