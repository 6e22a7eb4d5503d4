import { Transform, type TransformCallback } from 'node:stream';
import { predictMany, type ModelArtifact } from '@realxdeal/model';
import { ServerError, ServerErrorCode } from '../../errors';
import { csvCell } from '../csv';
import { trimCell } from '../decimal';
import { formatBytes } from '../format';
import { addRecord } from './add-record';
import { detectLayout, type BatchLayout } from './layout';
import { NEWLINE, RecordEnds, newlinesIn, recordText, startsWithBom } from './records';
import { RowBatch } from './row-batch';
import { PlainNumberScanner, ScanOutcome } from './scan-decimal';
import { RowWriter } from './write-rows';

export interface BatchPredictOptions {
  model: ModelArtifact;
  /** Read when the input ends: true if the upload was cut at the size limit. */
  isTruncated?: () => boolean;
  /** Size limit, only for the message of a truncated upload. */
  maxBytes?: number;
  /** Longest record, in bytes: the header's is refused, a later one is reported and skipped. */
  maxRecordBytes?: number;
  /** Most columns a header may have. */
  maxColumns?: number;
}

export interface BatchCounts {
  /** Data rows written (header excluded), predicted or not. */
  rows: number;
  predicted: number;
  failed: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 65536;
export const DEFAULT_MAX_COLUMNS = 1000;
const EMPTY = Buffer.alloc(0);
/** Most input processed without yielding to the event loop (one socket read). */
const SLICE_BYTES = 16 * 1024;

/**
 * Streams an uploaded CSV to a CSV of predictions: every input row comes out
 * in order with `prediction` and `error` appended, so a bad value costs one
 * row, never the file.
 *
 * What one upload can cost is bounded by its limits, not by its shape: the
 * header has at most `maxColumns` columns, a record at most `maxRecordBytes`
 * bytes (longer ones are skipped from their first line), rows are predicted
 * and written in batches of bounded size as they are read, and no output
 * row is longer than its input row plus a fixed amount. Memory is one
 * input chunk, one record and one batch; backpressure comes from the
 * Transform machinery.
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
  private readonly maxColumns: number;
  private layout: BatchLayout | null = null;
  private settle!: { resolve(layout: BatchLayout): void; reject(error: ServerError): void };
  private readonly rows = new RowBatch();
  private readonly writer = new RowWriter();
  private readonly scanner: PlainNumberScanner;
  private readonly ends = new RecordEnds();
  private predictions = new Float64Array(1024);
  /** Bytes of an incomplete record, waiting for the next chunk. */
  private pending: Buffer | null = null;
  /** Nothing of the file was seen yet: a BOM may follow. */
  private atStart = true;
  /** Dropping the rest of an over-long record, up to the next newline. */
  private skipping = false;
  /** Line number (1-based, physical) where the next record starts, for messages. */
  private line = 1;
  /** The rest of the current chunk, waiting until the reader takes the output already pushed. */
  private resumeSlices: (() => void) | null = null;

  constructor(options: BatchPredictOptions) {
    super({ readableHighWaterMark: 64 * 1024 });
    this.model = options.model;
    this.isTruncated = options.isTruncated ?? (() => false);
    this.maxBytes = options.maxBytes;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.scanner = new PlainNumberScanner(this.maxRecordBytes);
    this.ready = new Promise<BatchLayout>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A rejection is the caller's to handle; never let it become unhandled
    // when the caller already gave up on the stream.
    this.ready.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.consume(chunk, 0, callback);
  }

  /**
   * Processes `chunk` a slice at a time, yielding to the event loop after
   * each: libuv reads up to 32 socket chunks (2 MiB) in one go and Node
   * delivers them synchronously, so without the yield one upload could hold
   * the loop for as long as it takes to predict them all, and /healthz with it.
   */
  private consume(chunk: Buffer, from: number, callback: TransformCallback): void {
    const to = Math.min(chunk.length, from + SLICE_BYTES);
    try {
      const slice = chunk.subarray(from, to);
      const buf = this.pending === null ? slice : Buffer.concat([this.pending, slice]);
      this.pending = null;
      this.process(buf, false);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (to < chunk.length) {
      const next = (): void => this.consume(chunk, to, callback);
      // One socket read can hold 2 MiB and a slice can answer 30 times its
      // size: wait for the client to take the output before the next slice,
      // or a chunk's answers pile up in memory before backpressure engages.
      if (this.readableLength >= this.readableHighWaterMark) this.resumeSlices = next;
      else setImmediate(next);
    } else setImmediate(callback);
  }

  /** The reader wants more output: continue the chunk that was waiting for it. */
  override _read(size: number): void {
    const resume = this.resumeSlices;
    this.resumeSlices = null;
    if (resume !== null) setImmediate(resume);
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    try {
      const truncated = this.isTruncated();
      if (truncated) {
        // The last line was cut at an arbitrary byte: predicting it would be wrong.
        this.pending = null;
      } else {
        const rest = this.pending ?? EMPTY;
        this.pending = null;
        this.process(rest, true);
      }
      if (this.layout === null) {
        this.settle.reject(
          truncated
            ? this.tooLarge()
            : new ServerError(
                ServerErrorCode.EMPTY_FILE,
                'the uploaded file is empty; expected a CSV with an x column, or one number per line',
              ),
        );
      } else if (truncated) {
        this.push(`,,${csvCell(`ERROR: ${this.tooLarge().message}; rows after this line were not processed`)}\n`);
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

  private recordLimit(): string {
    return `the ${formatBytes(this.maxRecordBytes)} limit of one record (MAX_BATCH_RECORD_BYTES)`;
  }

  private fail(error: unknown): never {
    this.settle.reject(error as ServerError);
    throw error;
  }

  private process(buf: Buffer, atEnd: boolean): void {
    let pos = 0;
    if (this.atStart) {
      // Wait for three bytes before deciding whether the file opens with a BOM.
      if (buf.length < 3 && !atEnd) {
        this.pending = Buffer.from(buf);
        return;
      }
      this.atStart = false;
      if (startsWithBom(buf)) pos = 3;
    }
    if (this.skipping) {
      const newline = buf.indexOf(NEWLINE, pos);
      if (newline < 0) return;
      this.skipping = false;
      pos = newline + 1;
    }
    this.ends.reset(buf);
    if (this.layout === null) {
      pos = this.readHead(buf, pos, atEnd);
      if (this.layout === null) return;
    }
    this.readRows(buf, pos, atEnd, this.layout);
  }

  /**
   * Finds the first non-blank record and decides the layout from it.
   * Returns where data starts (the record itself for a headerless file, the
   * record after the header otherwise); an over-long or too wide first
   * record rejects the upload.
   */
  private readHead(buf: Buffer, from: number, atEnd: boolean): number {
    let pos = from;
    while (pos < buf.length) {
      let end = this.ends.after(pos);
      if (end < 0 && atEnd) end = buf.length;
      const length = (end < 0 ? buf.length : end) - pos;
      if (length > this.maxRecordBytes) {
        this.fail(
          new ServerError(
            ServerErrorCode.RECORD_TOO_LONG,
            `line ${this.line} is longer than ${this.recordLimit()}; expected a CSV header or one number per line`,
          ),
        );
      }
      if (end < 0) {
        this.pending = Buffer.from(buf.subarray(pos));
        return buf.length;
      }
      const record = recordText(buf, pos, end, this.line === 1);
      const lines = 1 + (record.includes('"') ? newlinesIn(buf, pos, end) : 0);
      if (trimCell(record) === '') {
        this.line += lines;
        pos = end + 1;
        continue;
      }
      let layout: BatchLayout;
      try {
        layout = detectLayout(record, this.model.feature.name, this.maxColumns, this.line);
      } catch (error) {
        this.fail(error);
      }
      this.layout = layout;
      this.settle.resolve(layout);
      if (layout.headerless) {
        this.push('x,prediction,error\n');
        return pos;
      }
      this.push(`${record},prediction,error\n`);
      this.line += lines;
      return end + 1;
    }
    return pos;
  }

  /** Reads data records from `from` on, predicting and writing them batch by batch. */
  private readRows(buf: Buffer, from: number, atEnd: boolean, layout: BatchLayout): void {
    const len = buf.length;
    const rows = this.rows;
    const scanner = this.scanner;
    const fast = layout.columns === 1;
    let pos = from;
    while (pos < len) {
      if (rows.full) this.flushRows(buf);
      if (fast) {
        const outcome = scanner.scan(buf, pos, atEnd);
        if (outcome === ScanOutcome.Plain) {
          rows.addRange(pos, scanner.valueEnd, scanner.x);
          pos = scanner.next;
          this.line++;
          continue;
        }
        if (outcome === ScanOutcome.Incomplete) break;
      }
      let end = this.ends.after(pos);
      if (end < 0 && atEnd) end = len;
      if ((end < 0 ? len : end) - pos > this.maxRecordBytes) {
        // Skipped from its first line on, as the loader does: one bad cell costs one row.
        rows.addProblem('', `ERROR: line ${this.line} is longer than ${this.recordLimit()} and was skipped`);
        this.line++;
        const newline = buf.indexOf(NEWLINE, pos);
        if (newline >= 0) {
          pos = newline + 1;
          continue;
        }
        this.skipping = !atEnd;
        pos = len;
        break;
      }
      if (end < 0) break;
      const record = recordText(buf, pos, end);
      this.line += 1 + (record.includes('"') ? newlinesIn(buf, pos, end) : 0);
      pos = end + 1;
      // Blank lines are skipped, as the data contract says for the loader.
      if (trimCell(record) !== '') addRecord(rows, record, layout);
    }
    // Copied: the chunk it points into would otherwise stay alive.
    if (pos < len) this.pending = Buffer.from(buf.subarray(pos));
    this.flushRows(buf);
  }

  /** Predicts the collected rows in one call and writes them as one buffer. */
  private flushRows(source: Buffer): void {
    const rows = this.rows;
    const n = rows.n;
    if (n === 0) return;
    if (this.predictions.length < n) this.predictions = new Float64Array(rows.xs.length);
    const predictions = predictMany(this.model, rows.xs.subarray(0, n), this.predictions);
    const out = this.writer.write(rows, predictions, source);
    this.counts.rows += n;
    this.counts.failed += this.writer.failed;
    this.counts.predicted += n - this.writer.failed;
    rows.reset();
    this.push(out);
  }
}
