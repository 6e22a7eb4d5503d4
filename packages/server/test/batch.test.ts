import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildTestApp, mainOf, multipartBody, multipartFieldsOnly } from './helpers';
import type { FastifyInstance } from 'fastify';

const fixture = (name: string): Buffer => readFileSync(path.join(__dirname, '__fixtures__', name));

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

function upload(target: FastifyInstance, content: string | Buffer, options: { filename?: string; accept?: string } = {}) {
  const { payload, headers } = multipartBody(content, options.filename === undefined ? {} : { filename: options.filename });
  return target.inject({
    method: 'POST',
    url: '/batch_prediction',
    headers: { ...headers, ...(options.accept === undefined ? {} : { accept: options.accept }) },
    payload,
  });
}

describe('POST /batch_prediction', () => {
  it('answers a file of mixed good and bad rows with the exact CSV', async () => {
    const res = await upload(app, fixture('mixed.csv'), { filename: 'my postings.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="my_postings-predictions.csv"');
    expect(res.body).toBe(fixture('mixed.expected.csv').toString('utf8'));
  });

  it('answers a headerless single column with the exact CSV', async () => {
    const res = await upload(app, fixture('headerless.csv'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(fixture('headerless.expected.csv').toString('utf8'));
  });

  it('returns a script in a CSV cell as inert data in a download', async () => {
    const res = await upload(app, 'x,comment\n1,<script>alert(1)</script>\n');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('x,comment,prediction,error\n1,<script>alert(1)</script>,4,\n');
    // A download, typed as CSV, that the browser may not sniff into HTML.
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects a file without an x column, naming what was expected', async () => {
    const res = await upload(app, 'id,price\n1,2\n');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'SERVER_NO_USABLE_COLUMN',
      message:
        'the file has no usable column: its first line is "id", "price"; expected a header with a column named "x" or "area", or a single column of numbers without a header',
    });
  });

  it('re-shows the upload form to a browser, escaping what came from the file', async () => {
    const res = await upload(app, '<script>alert(1)</script>,b\n1,2\n', { accept: 'text/html' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const main = mainOf(res.body);
    expect(main).toContain('<p class="message error" role="alert" id="error">the file has no usable column');
    expect(main).toContain('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(res.body).not.toContain('<script>');
    expect(main).toContain('enctype="multipart/form-data"');
  });

  it('rejects an empty file', async () => {
    const res = await upload(app, '');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'SERVER_EMPTY_FILE', message: expect.stringContaining('the uploaded file is empty') });
  });

  it('rejects a form without a file', async () => {
    const { payload, headers } = multipartFieldsOnly({ note: 'hello' });
    const res = await app.inject({ method: 'POST', url: '/batch_prediction', headers, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'SERVER_NO_FILE',
      message: 'no file was uploaded; send multipart/form-data with one CSV file (field name "file")',
    });
  });

  it('rejects a request that is not multipart', async () => {
    const res = await app.inject({ method: 'POST', url: '/batch_prediction', payload: { x: [1] } });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: 'SERVER_NOT_MULTIPART', message: 'expected a multipart/form-data upload with a CSV file' });
  });

  it('counts the rows it served in /metrics', async () => {
    const fresh = await buildTestApp();
    try {
      await upload(fresh, '1\nbad\n3\n');
      const metrics = (await fresh.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('batch_rows_total{outcome="predicted"} 2');
      expect(metrics).toContain('batch_rows_total{outcome="error"} 1');
      expect(metrics).toContain('predictions_total{endpoint="csv"} 2');
    } finally {
      await fresh.close();
    }
  });
});

describe('POST /batch_prediction over MAX_UPLOAD_BYTES', () => {
  let small: FastifyInstance;
  beforeAll(async () => {
    small = await buildTestApp({ config: { MAX_UPLOAD_BYTES: 100 } });
  });
  afterAll(() => small.close());

  it('answers 413 up front when the declared size is over the limit', async () => {
    const res = await upload(small, '1\n'.repeat(20_000));
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.json()).toEqual({
      error: 'SERVER_UPLOAD_TOO_LARGE',
      message: 'the upload is larger than the 100 bytes limit (MAX_UPLOAD_BYTES); split the file or raise the limit',
    });
  });

  it('answers 413 when the limit is hit before the first line ends', async () => {
    const res = await upload(small, `${'1'.repeat(150)}\n`);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: 'SERVER_UPLOAD_TOO_LARGE',
      message: 'the uploaded file is larger than the 100 bytes limit (MAX_UPLOAD_BYTES)',
    });
  });

  it('ends the CSV with an error row when the limit is hit after streaming began', async () => {
    // 60 lines of "1\n" = 120 bytes: the first 100 arrive, the rest is cut.
    const res = await upload(small, '1\n'.repeat(60));
    expect(res.statusCode).toBe(200);
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toBe('x,prediction,error');
    expect(lines.slice(1, -1)).toEqual(Array(50).fill('1,4,'));
    expect(lines.at(-1)).toBe(
      ',,ERROR: the uploaded file is larger than the 100 bytes limit (MAX_UPLOAD_BYTES); rows after this line were not processed',
    );
  });

  it('shows a browser the upload form with the 413 message', async () => {
    const res = await upload(small, '1\n'.repeat(20_000), { accept: 'text/html,application/xhtml+xml' });
    expect(res.statusCode).toBe(413);
    expect(mainOf(res.body)).toContain('the upload is larger than the 100 bytes limit');
  });
});

describe('POST /batch_prediction bounds', () => {
  let bounded: FastifyInstance;
  beforeAll(async () => {
    bounded = await buildTestApp({ config: { MAX_BATCH_COLUMNS: 3, MAX_BATCH_RECORD_BYTES: 64 } });
  });
  afterAll(() => bounded.close());

  it('refuses the reported attack (a 60,001-column header over 30,000 short rows) with 400 naming the limit', async () => {
    const res = await upload(app, `x${','.repeat(60_000)}\n${'1\n'.repeat(30_000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'SERVER_TOO_MANY_COLUMNS',
      message: 'line 1 has 60001 columns, more than the limit of 1000 (MAX_BATCH_COLUMNS); send only the columns you need',
    });
  });

  it('accepts a header at the column limit and refuses one column more', async () => {
    const atLimit = await upload(bounded, 'x,a,b\n2,p,q\n');
    expect(atLimit.statusCode).toBe(200);
    expect(atLimit.body).toBe('x,a,b,prediction,error\n2,p,q,9,\n');
    const over = await upload(bounded, '\nx,a,b,c\n2,p,q,r\n');
    expect(over.statusCode).toBe(400);
    expect(over.json()).toEqual({
      error: 'SERVER_TOO_MANY_COLUMNS',
      message: 'line 2 has 4 columns, more than the limit of 3 (MAX_BATCH_COLUMNS); send only the columns you need',
    });
  });

  it('refuses a header longer than the record limit with 400 naming the limit and the line', async () => {
    const res = await upload(bounded, `\n\nx,${'n'.repeat(70)}\n1,a\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'SERVER_RECORD_TOO_LONG',
      message:
        'line 3 is longer than the 64 bytes limit of one record (MAX_BATCH_RECORD_BYTES); expected a CSV header or one number per line',
    });
  });

  it('skips a later record longer than the limit with an error row naming its line, and carries on', async () => {
    const res = await upload(bounded, `x,note\n1,a\n2,${'b'.repeat(100)}\n3,c\n`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(
      'x,note,prediction,error\n1,a,4,\n,,ERROR: line 3 is longer than the 64 bytes limit of one record (MAX_BATCH_RECORD_BYTES) and was skipped\n3,c,16,\n',
    );
  });

  it('resumes at the next line after an opening quote that never closes', async () => {
    const res = await upload(bounded, `x,note\n1,"open\n${'2,b\n'.repeat(20)}`);
    expect(res.statusCode).toBe(200);
    const lines = res.body.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'x,note,prediction,error',
      ',,ERROR: line 2 is longer than the 64 bytes limit of one record (MAX_BATCH_RECORD_BYTES) and was skipped',
      '2,b,9,',
    ]);
    expect(lines).toHaveLength(2 + 20);
  });

  it('writes short rows as read, never padded to the header', async () => {
    const res = await upload(app, `x${','.repeat(999)}\n1\n2\n`);
    expect(res.statusCode).toBe(200);
    const header = `x${','.repeat(999)},prediction,error`;
    expect(res.body).toBe(
      `${header}\n1,,row has 1 fields but the header has 1000; written as read\n2,,row has 1 fields but the header has 1000; written as read\n`,
    );
  });
});
