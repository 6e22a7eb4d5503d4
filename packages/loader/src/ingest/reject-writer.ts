import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { format, CsvFormatterStream } from 'fast-csv';
import type { RejectReason } from './reject-reasons';

type RejectRow = [number, RejectReason, string];

/**
 * The reject CSV (`line,reason,raw`), written through fast-csv so raw rows
 * holding commas, quotes or newlines come back quoted and re-readable.
 * The file is written even when nothing is rejected, so a stale file from
 * an earlier run can never be mistaken for this run's rejects.
 */
export class RejectWriter {
  private readonly csv: CsvFormatterStream<RejectRow, RejectRow>;
  private readonly file: fs.WriteStream;
  private failure: Error | null = null;

  constructor(readonly filePath: string) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.file = fs.createWriteStream(filePath);
    this.csv = format<RejectRow, RejectRow>({ headers: ['line', 'reason', 'raw'], writeHeaders: true, includeEndRowDelimiter: true });
    this.csv.on('error', (e) => (this.failure ??= e));
    this.file.on('error', (e) => (this.failure ??= e));
    this.csv.pipe(this.file);
  }

  private written = 0;

  add(line: number, reason: RejectReason, raw: string): void {
    this.written++;
    this.csv.write([line, reason, raw]);
  }

  /** Resolves once buffered rejects have reached the file (backpressure). */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.file.writableNeedDrain) await once(this.file, 'drain');
  }

  async close(): Promise<void> {
    const finished = once(this.file, 'finish');
    if (this.written === 0) {
      // fast-csv only writes headers ahead of a first row.
      this.csv.unpipe(this.file);
      this.file.end('line,reason,raw\n');
    } else {
      this.csv.end();
    }
    await finished;
    if (this.failure) throw this.failure;
  }
}
