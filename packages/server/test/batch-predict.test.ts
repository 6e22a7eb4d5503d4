import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { collect, testModel } from './helpers';
import { BatchPredictStream, ServerErrorCode, detectLayout } from 'server';

const fixture = (name: string): Buffer => readFileSync(path.join(__dirname, '__fixtures__', name));

/** Feeds `input` in chunks of `chunkSize` bytes and returns the CSV that comes out. */
async function run(
  input: string | Buffer,
  chunkSize = 1 << 16,
  options: { truncated?: boolean; maxRecordBytes?: number } = {},
): Promise<string> {
  const stream = new BatchPredictStream({
    model: testModel(),
    isTruncated: () => options.truncated ?? false,
    maxBytes: 1000,
    ...(options.maxRecordBytes === undefined ? {} : { maxRecordBytes: options.maxRecordBytes }),
  });
  const output = collect(stream);
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let i = 0; i < bytes.length; i += chunkSize) stream.write(bytes.subarray(i, i + chunkSize));
  stream.end();
  return output;
}

describe('detectLayout', () => {
  it('reads a headerless single column of numbers', () => {
    expect(detectLayout('2.5', 'area')).toEqual({ headerless: true, column: 0, columns: 1 });
  });

  it('finds x or the feature name in a header, case-insensitively and trimmed', () => {
    expect(detectLayout('id, X ,note', 'area')).toEqual({ headerless: false, column: 1, columns: 3 });
    expect(detectLayout('id,"Area"', 'area')).toEqual({ headerless: false, column: 1, columns: 2 });
  });

  it('prefers the feature name over x when both are present', () => {
    expect(detectLayout('x,area', 'area')).toEqual({ headerless: false, column: 1, columns: 2 });
  });

  it('rejects a header without a usable column, naming what was expected', () => {
    expect(() => detectLayout('id,price', 'area')).toThrow(/no usable column.*"id", "price".*named "x" or "area"/);
  });

  it('rejects headerless data with several columns', () => {
    expect(() => detectLayout('1,2', 'area')).toThrow(/looks like data with 2 columns/);
  });
});

describe('BatchPredictStream', () => {
  it.each([1, 3, 7, 64, 1 << 16])('answers the mixed fixture exactly, fed in %i-byte chunks', async (chunkSize) => {
    expect(await run(fixture('mixed.csv'), chunkSize)).toBe(fixture('mixed.expected.csv').toString('utf8'));
  });

  it.each([1, 2, 5, 1 << 16])('answers the headerless fixture exactly, fed in %i-byte chunks', async (chunkSize) => {
    expect(await run(fixture('headerless.csv'), chunkSize)).toBe(fixture('headerless.expected.csv').toString('utf8'));
  });

  it('handles a header-only x column through the fast path, with CRLF, a BOM and no final newline', async () => {
    expect(await run('\uFEFFx\r\n1\r\n2\r\n 3\t\r\n4')).toBe('x,prediction,error\n1,4,\n2,9,\n 3\t,16,\n4,25,\n');
  });

  it('handles a headerless file with a BOM', async () => {
    expect(await run('\uFEFF1\n2\n')).toBe('x,prediction,error\n1,4,\n2,9,\n');
  });

  it('keeps a quoted value spanning lines in one record', async () => {
    expect(await run('x,note\n1,"two\nlines"\n2,b\n', 4)).toBe('x,note,prediction,error\n1,"two\nlines",4,\n2,b,9,\n');
  });

  it('reports NaN, Infinity, hex, signs alone and 16+ digit values in place', async () => {
    const out = await run('x\nNaN\nInfinity\n0x10\n-\n.\n1234567890123456\n+.5\n');
    expect(out.split('\n')).toEqual([
      'x,prediction,error',
      'NaN,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""NaN"""',
      'Infinity,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""Infinity"""',
      '0x10,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""0x10"""',
      '-,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""-"""',
      '.,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""."""',
      // 16 digits leave the fast path but are still a valid decimal: (x + 1)² in
      // doubles, written in plain digits (a double that large is a whole number).
      `1234567890123456,${BigInt((1234567890123456 + 1) ** 2).toString()},`,
      '+.5,2.25,',
      '',
    ]);
  });

  it('reports a prediction that overflows', async () => {
    expect(await run('x\n1e200\n')).toBe('x,prediction,error\n1e200,,prediction overflows: x is too far outside the training range\n');
  });

  it('quotes a headerless line with commas as one cell', async () => {
    expect(await run('1\n2,3\n')).toBe(
      'x,prediction,error\n1,4,\n"2,3",,"row has 2 fields but one value per line was expected; got ""2,3"""\n',
    );
  });

  it('passes markup through as data, never interpreting it', async () => {
    const out = await run('x,comment\n1,<script>alert(1)</script>\n');
    expect(out).toBe('x,comment,prediction,error\n1,<script>alert(1)</script>,4,\n');
  });

  it('skips a line longer than the record limit and carries on', async () => {
    const long = '9'.repeat(200);
    expect(await run(`1\n${long}\n2\n`, 16, { maxRecordBytes: 50 })).toBe(
      'x,prediction,error\n1,4,\n,,ERROR: line 2 is longer than the 50 bytes limit of one record (MAX_BATCH_RECORD_BYTES) and was skipped\n2,9,\n',
    );
  });

  it('ends a truncated upload with an error row and drops the cut line', async () => {
    expect(await run('x\n1\n2\n3', 1 << 16, { truncated: true })).toBe(
      'x,prediction,error\n1,4,\n2,9,\n,,ERROR: the uploaded file is larger than the 1000 bytes limit (MAX_UPLOAD_BYTES); rows after this line were not processed\n',
    );
  });

  it('resolves ready with the layout', async () => {
    const stream = new BatchPredictStream({ model: testModel() });
    const output = collect(stream);
    stream.end('id,area\na,1\n');
    await expect(stream.ready).resolves.toEqual({ headerless: false, column: 1, columns: 2 });
    await output;
    expect(stream.counts).toEqual({ rows: 1, predicted: 1, failed: 0 });
  });

  it.each([
    ['an empty file', '', ServerErrorCode.EMPTY_FILE],
    ['a file of blank lines', '\n  \n\t\n', ServerErrorCode.EMPTY_FILE],
    ['a header without x', 'id,price\n1,2\n', ServerErrorCode.NO_USABLE_COLUMN],
  ])('rejects ready for %s', async (_name, input, code) => {
    const stream = new BatchPredictStream({ model: testModel() });
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.end(input);
    await expect(stream.ready).rejects.toMatchObject({ code });
  });

  it('rejects ready with 413 when the upload is cut before the first line ends', async () => {
    const stream = new BatchPredictStream({ model: testModel(), isTruncated: () => true, maxBytes: 10 });
    stream.on('data', () => undefined);
    stream.end('1234567890');
    // The route answers it as 413 (HTTP_STATUS in the error handler; batch.test checks the answer).
    await expect(stream.ready).rejects.toMatchObject({ code: ServerErrorCode.UPLOAD_TOO_LARGE });
  });

  it('counts predicted and failed rows', async () => {
    const stream = new BatchPredictStream({ model: testModel() });
    const output = collect(stream);
    stream.end('1\nx1\n3\n');
    await output;
    expect(stream.counts).toEqual({ rows: 3, predicted: 2, failed: 1 });
  });
});
