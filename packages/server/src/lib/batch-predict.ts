import { Transform, TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { predictMany, type ModelArtifact } from '@realxdeal/model';
import { ServerError, ServerErrorCode } from '../errors';
import { csvCell, findRecordEnd, parseFields } from './csv';
import { describeDecimalProblem, echoValue, parseDecimal, trimCell } from './decimal';
import { formatBytes } from './format';
import { MAX_PREDICTION_BYTES, writePrediction } from './number-format';

/**
 * Where the feature sits in the uploaded file. `headerless` files are one
 * column of numbers; their first line is data, not a header.
 */
export interface BatchLayout {
  readonly headerless: boolean;
  /** Index of the feature column. */
  readonly column: number;
  /** Number of columns every row should have. */
  readonly columns: number;
}

export interface BatchPredictOptions {
  model: ModelArtifact;
  /** Read when the input ends: true if the upload was cut at the size limit. */
  isTruncated?: () => boolean;
  /** Size limit, only for the message of a truncated upload. */
  maxBytes?: number;
  /** Longest record kept in memory; a longer one is reported and skipped. */
  maxRecordBytes?: number;
}

export interface BatchCounts {
  /** Data rows written (header excluded), predicted or not. */
  rows: number;
  predicted: number;
  failed: number;
}

const DEFAULT_MAX_RECORD_BYTES = 65536;
const BOM = '\uFEFF';
const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
const OVERFLOW_CELL = csvCell('prediction overflows: x is too far outside the training range');
/** Per row beyond its pass-through and problem text: two commas, a newline, a prediction or the overflow note. */
const ROW_OVERHEAD_BYTES = Math.max(MAX_PREDICTION_BYTES, OVERFLOW_CELL.length) + 3;
/** 10^k for k ≤ 15: exact doubles, so `m / 10^k` is the correctly rounded value of a ≤15-digit decimal. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const EMPTY = Buffer.alloc(0);

/** Decides the layout from the first non-blank record, or says what was expected. */
export function detectLayout(record: string, featureName: string): BatchLayout {
  const fields = record.includes('"') ? parseFields(record) : record.split(',');
  if (fields.length === 1 && parseDecimal(fields[0] as string).ok) {
    return { headerless: true, column: 0, columns: 1 };
  }
  const names = fields.map((f) => trimCell(f).toLowerCase());
  const wanted = featureName.toLowerCase();
  // The model's own feature name wins over the generic `x` if both appear.
  let column = names.indexOf(wanted);
  if (column < 0) column = names.indexOf('x');
  if (column >= 0) return { headerless: false, column, columns: fields.length };
  const expected = `a header with a column named "x"${wanted === 'x' ? '' : ` or "${featureName}"`}, or a single column of numbers without a header`;
  if (fields.every((f) => parseDecimal(f).ok)) {
    throw new ServerError(
      ServerErrorCode.NO_USABLE_COLUMN,
      `the first line looks like data with ${fields.length} columns, so the x column cannot be told apart; expected ${expected}`,
    );
  }
  const shown = fields.slice(0, 10).map((f) => echoValue(trimCell(f))).join(', ');
  throw new ServerError(
    ServerErrorCode.NO_USABLE_COLUMN,
    `the file has no usable column: its first line is ${shown}${fields.length > 10 ? ', …' : ''}; expected ${expected}`,
  );
}

/** Index of the `\n` ending the record that starts at `from`, outside quotes; -1 if not in `buf` yet. */
function findRecordEndBytes(buf: Buffer, from: number): number {
  let inQuotes = false;
  for (let i = from; i < buf.length; i++) {
    const c = buf[i] as number;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === NEWLINE && !inQuotes) return i;
  }
  return -1;
}

/**
 * The rows of one input chunk, collected before one `predictMany` call.
 * A row is either a byte range of the chunk (the fast path: a plain number
 * on its own line) or a pass-through string built by the general path.
 */
class RowBatch {
  n = 0;
  xs = new Float64Array(1024);
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  text: Array<string | undefined> = [];
  problem: Array<string | undefined> = [];
  /** Output bytes needed beyond the predictions themselves. */
  bytes = 0;

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

/**
 * Streams an uploaded CSV to a CSV of predictions: every input row comes out
 * in order with `prediction` and `error` appended, so a bad value costs one
 * row, never the file. Memory is bounded by one input chunk plus one record,
 * whatever the file size; backpressure comes from the Transform machinery.
 *
 * A single-column file (the common, large case) is parsed straight from the
 * bytes; anything unusual on a line (quotes, exponents, junk) sends that line
 * through the general string path, which is also used for wider files.
 *
 * `ready` settles once the layout is known (resolves) or cannot be (rejects
 * with a ServerError), which is before any output needs to reach the client,
 * so the caller can still answer 400/413 instead of a CSV.
 */
export class BatchPredictStream extends Transform {
  readonly ready: Promise<BatchLayout>;
  readonly counts: BatchCounts = { rows: 0, predicted: 0, failed: 0 };

  private readonly model: ModelArtifact;
  private readonly isTruncated: () => boolean;
  private readonly maxBytes: number | undefined;
  private readonly maxRecordBytes: number;
  private layout: BatchLayout | null = null;
  private settle!: { resolve(layout: BatchLayout): void; reject(error: ServerError): void };
  private readonly rows = new RowBatch();
  private predictions = new Float64Array(1024);
  /** Bytes of an incomplete record, waiting for the next chunk (byte path). */
  private pending: Buffer | null = null;
  /** Nothing of the file was seen yet: a BOM may follow. */
  private atStart = true;
  /** Dropping the rest of an over-long record, up to the next newline. */
  private skipping = false;
  /** General path state (files with several columns). */
  private decoder: StringDecoder | null = null;
  private carry = '';

  constructor(options: BatchPredictOptions) {
    super({ readableHighWaterMark: 64 * 1024 });
    this.model = options.model;
    this.isTruncated = options.isTruncated ?? (() => false);
    this.maxBytes = options.maxBytes;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.ready = new Promise<BatchLayout>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A rejection is the caller's to handle; never let it become unhandled
    // when the caller already gave up on the stream.
    this.ready.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
      this.pending = null;
      this.process(buf, false);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const truncated = this.isTruncated();
      if (truncated) {
        // The last line was cut at an arbitrary byte: predicting it would be wrong.
        this.pending = null;
        this.carry = '';
      } else {
        const rest = this.pending ?? EMPTY;
        this.pending = null;
        this.process(rest, true);
      }
      if (this.layout === null) {
        this.settle.reject(
          truncated
            ? this.tooLarge()
            : new ServerError(ServerErrorCode.EMPTY_FILE, 'the uploaded file is empty; expected a CSV with an x column, or one number per line'),
        );
      } else if (truncated) {
        const message = `ERROR: ${this.tooLarge().message}; rows after this line were not processed`;
        this.push(`${','.repeat(this.layout.columns + 1)}${csvCell(message)}\n`);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.layout === null) {
      this.settle.reject(new ServerError(ServerErrorCode.NO_FILE, 'the upload ended before the file could be read'));
    }
    callback(error);
  }

  private tooLarge(): ServerError {
    const limit = this.maxBytes === undefined ? 'the size limit' : `the ${formatBytes(this.maxBytes)} limit (MAX_UPLOAD_BYTES)`;
    return new ServerError(ServerErrorCode.UPLOAD_TOO_LARGE, `the uploaded file is larger than ${limit}`);
  }

  private fail(error: ServerError): never {
    this.settle.reject(error);
    throw error;
  }

  private process(buf: Buffer, atEnd: boolean): void {
    let from = 0;
    if (this.layout === null) {
      from = this.readHead(buf, atEnd);
      if (this.layout === null) return;
    }
    const layout: BatchLayout = this.layout;
    if (layout.columns === 1) this.processBytes(buf, from, atEnd, layout);
    else this.processText(buf.subarray(from), atEnd, layout);
  }

  /**
   * Finds the first non-blank record and decides the layout from it.
   * Returns where data starts in `buf` (the record itself for a headerless
   * file, the byte after the header otherwise).
   */
  private readHead(buf: Buffer, atEnd: boolean): number {
    let pos = 0;
    if (this.atStart && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    if (buf.length > 0) this.atStart = false;
    while (pos < buf.length) {
      let end = findRecordEndBytes(buf, pos);
      if (end < 0) {
        if (!atEnd) {
          if (buf.length - pos > this.maxRecordBytes) {
            this.fail(
              new ServerError(
                ServerErrorCode.NO_USABLE_COLUMN,
                `the first line is longer than ${this.maxRecordBytes} bytes; expected a CSV header or one number per line`,
              ),
            );
          }
          this.pending = buf.subarray(pos);
          return buf.length;
        }
        end = buf.length;
      }
      let record = buf.toString('utf8', pos, end);
      if (record.startsWith(BOM)) record = record.slice(1);
      if (record.endsWith('\r')) record = record.slice(0, -1);
      if (trimCell(record) === '') {
        pos = end + 1;
        continue;
      }
      let layout: BatchLayout;
      try {
        layout = detectLayout(record, this.model.feature.name);
      } catch (error) {
        this.fail(error as ServerError);
      }
      this.layout = layout;
      this.settle.resolve(layout);
      if (layout.headerless) {
        this.push('x,prediction,error\n');
        return pos;
      }
      this.push(`${record},prediction,error\n`);
      return Math.min(end + 1, buf.length);
    }
    if (!atEnd) this.pending = null;
    return buf.length;
  }

  /** The single-column path: one number per line, parsed from the bytes. */
  private processBytes(buf: Buffer, from: number, atEnd: boolean, layout: BatchLayout): void {
    const len = buf.length;
    let pos = from;
    if (this.skipping) {
      const nl = buf.indexOf(NEWLINE, pos);
      if (nl < 0) return;
      this.skipping = false;
      pos = nl + 1;
    }
    const rows = this.rows;
    // Next quote at or after `pos`: -1 none left in `buf`, -2 not looked for yet.
    let quoteAt = -2;
    while (pos < len) {
      // Inline scan of `[blanks][sign]digits[.digits][blanks][\r]\n`.
      let i = pos;
      let c = buf[i] as number;
      while (c === 32 || c === 9) c = buf[++i] as number;
      let negative = false;
      if (c === 45 || c === 43) {
        negative = c === 45;
        c = buf[++i] as number;
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
        c = buf[++i] as number;
      }
      const valueEnd = i;
      while (c === 32 || c === 9) c = buf[++i] as number;
      if (c === CR && (i + 1 === len || buf[i + 1] === NEWLINE)) c = buf[++i] as number;
      if (i >= len && !atEnd) break; // the line continues in the next chunk
      if ((c === NEWLINE || i >= len) && digits > 0 && digits <= 15) {
        let lineEnd = valueEnd;
        // Keep trailing blanks in the pass-through; only the line ending goes.
        while (lineEnd < i && buf[lineEnd] !== CR && buf[lineEnd] !== NEWLINE) lineEnd++;
        const x = m / (POW10[fraction] as number);
        rows.addRange(pos, lineEnd, negative ? -x : x);
        pos = i + 1;
        continue;
      }
      // Anything else (blank line, quotes, exponent, junk, 16+ digits): the general path.
      if (quoteAt !== -1 && quoteAt < pos) quoteAt = buf.indexOf(QUOTE, pos);
      let end = buf.indexOf(NEWLINE, pos);
      if (quoteAt >= 0 && (end < 0 || quoteAt < end)) end = findRecordEndBytes(buf, pos);
      if (end < 0) {
        if (!atEnd) break;
        end = len;
      }
      let record = buf.toString('utf8', pos, end);
      if (record.endsWith('\r')) record = record.slice(0, -1);
      pos = end + 1;
      if (trimCell(record) === '') continue;
      this.row(record, layout);
    }
    if (pos < len) {
      if (len - pos > this.maxRecordBytes) {
        rows.addProblem('', `ERROR: a line longer than ${this.maxRecordBytes} bytes was skipped`);
        this.skipping = true;
      } else {
        // Copied: the chunk it points into would otherwise stay alive.
        this.pending = Buffer.from(buf.subarray(pos));
      }
    }
    this.flushRows(buf);
  }

  /** The general path for files with several columns; quote-aware, record by record. */
  private processText(buf: Buffer, atEnd: boolean, layout: BatchLayout): void {
    this.decoder ??= new StringDecoder('utf8');
    const text = this.decoder.write(buf) + (atEnd ? this.decoder.end() : '');
    let data = this.carry === '' ? text : this.carry + text;
    let pos = 0;
    if (this.skipping) {
      const nl = data.indexOf('\n');
      if (nl < 0) data = '';
      else {
        this.skipping = false;
        pos = nl + 1;
      }
    }
    let quoteAt = data.indexOf('"', pos);
    for (;;) {
      let end = data.indexOf('\n', pos);
      if (quoteAt >= 0 && quoteAt < pos) quoteAt = data.indexOf('"', pos);
      if (quoteAt >= 0 && (end < 0 || quoteAt < end)) end = findRecordEnd(data, pos);
      if (end < 0) break;
      this.textRecord(data.slice(pos, end), layout);
      pos = end + 1;
    }
    let rest = pos === 0 ? data : data.slice(pos);
    if (atEnd) {
      // The last line may lack its newline, or hold an unterminated quote.
      if (rest !== '') this.textRecord(rest, layout);
      rest = '';
    } else if (rest.length > this.maxRecordBytes) {
      this.rows.addProblem(','.repeat(layout.columns - 1), `ERROR: a line longer than ${this.maxRecordBytes} characters was skipped`);
      this.skipping = true;
      rest = '';
    }
    this.carry = rest;
    this.flushRows(null);
  }

  private textRecord(raw: string, layout: BatchLayout): void {
    const record = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Blank lines are skipped, as the data contract says for the loader.
    if (trimCell(record) === '') return;
    this.row(record, layout);
  }

  private row(record: string, layout: BatchLayout): void {
    const rows = this.rows;
    const hasQuote = record.includes('"');
    const fields = hasQuote ? parseFields(record) : record.split(',');
    if (fields.length === layout.columns) {
      const cell = fields[layout.column] as string;
      const parsed = parseDecimal(cell);
      if (parsed.ok) rows.addText(record, parsed.value);
      else rows.addProblem(record, describeDecimalProblem('x', cell, parsed.problem));
      return;
    }
    const message = `row has ${fields.length} fields but ${layout.headerless ? 'one value per line was expected' : `the header has ${layout.columns}`}`;
    if (layout.headerless) {
      // Without a header the whole line is the value that could not be used.
      rows.addProblem(csvCell(record), `${message}; got ${echoValue(record)}`);
    } else if (fields.length < layout.columns) {
      rows.addProblem(record + ','.repeat(layout.columns - fields.length), message);
    } else {
      rows.addProblem(fields.slice(0, layout.columns).map(csvCell).join(','), `${message}; extra fields dropped`);
    }
  }

  /** Predicts the collected rows in one call and writes them as one buffer. */
  private flushRows(source: Buffer | null): void {
    const rows = this.rows;
    const n = rows.n;
    if (n === 0) return;
    if (this.predictions.length < n) this.predictions = new Float64Array(rows.xs.length);
    const predictions = predictMany(this.model, rows.xs.subarray(0, n), this.predictions);
    const out = Buffer.allocUnsafe(rows.bytes + n * ROW_OVERHEAD_BYTES);
    let o = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const start = rows.start[i] as number;
      if (start >= 0 && source !== null) {
        const end = rows.end[i] as number;
        if (end - start > 32) o += source.copy(out, o, start, end);
        else for (let j = start; j < end; j++) out[o++] = source[j] as number;
      } else {
        o += out.write(rows.text[i] as string, o, 'utf8');
      }
      out[o++] = 44; // ','
      const problem = rows.problem[i];
      const y = predictions[i] as number;
      if (problem !== undefined) {
        out[o++] = 44;
        o += out.write(problem, o, 'utf8');
        failed++;
      } else if (y - y !== 0) {
        out[o++] = 44;
        o += out.write(OVERFLOW_CELL, o, 'latin1');
        failed++;
      } else {
        o = writePrediction(out, o, y);
        out[o++] = 44;
      }
      out[o++] = NEWLINE;
    }
    this.counts.rows += n;
    this.counts.failed += failed;
    this.counts.predicted += n - failed;
    rows.reset();
    this.push(out.subarray(0, o));
  }
}
