import { csvCell } from '../csv';

/** A batch is predicted and written once it holds this many rows… */
const MAX_ROWS = 4096;
/** …or this many bytes of pass-through text, whichever comes first. */
const MAX_TEXT_BYTES = 256 * 1024;

/**
 * The rows collected before one `predictMany` call. A row is either a byte
 * range of the current input buffer (the fast path: a plain number on its
 * own line) or a pass-through string built by the general path, with an
 * error message when it has no usable x. `full` bounds what one batch
 * holds, so output is written as the input is read, never a whole chunk's
 * worth at once.
 */
export class RowBatch {
  n = 0;
  xs = new Float64Array(1024);
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  text: Array<string | undefined> = [];
  problem: Array<string | undefined> = [];
  /** Output bytes needed beyond the predictions themselves. */
  bytes = 0;

  get full(): boolean {
    return this.n >= MAX_ROWS || this.bytes >= MAX_TEXT_BYTES;
  }

  private slot(): number {
    const i = this.n++;
    if (i === this.xs.length) {
      const size = i * 2;
      const xs = new Float64Array(size);
      xs.set(this.xs);
      this.xs = xs;
      const start = new Int32Array(size);
      start.set(this.start);
      this.start = start;
      const end = new Int32Array(size);
      end.set(this.end);
      this.end = end;
    }
    return i;
  }

  addRange(start: number, end: number, x: number): void {
    const i = this.slot();
    this.xs[i] = x;
    this.start[i] = start;
    this.end[i] = end;
    this.bytes += end - start;
  }

  addText(passThrough: string, x: number): void {
    const i = this.slot();
    this.xs[i] = x;
    this.start[i] = -1;
    this.text[i] = passThrough;
    this.bytes += Buffer.byteLength(passThrough);
  }

  addProblem(passThrough: string, message: string): void {
    const i = this.slot();
    // x = 0 keeps the batch dense for predictMany; the prediction is discarded.
    this.xs[i] = 0;
    this.start[i] = -1;
    this.text[i] = passThrough;
    const cell = csvCell(message);
    this.problem[i] = cell;
    this.bytes += Buffer.byteLength(passThrough) + Buffer.byteLength(cell);
  }

  reset(): void {
    this.n = 0;
    this.bytes = 0;
    this.text = [];
    this.problem = [];
  }
}
