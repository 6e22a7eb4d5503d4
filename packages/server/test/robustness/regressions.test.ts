import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../helpers';
import { multipart } from './fuzz-inputs';

/**
 * The two 500s the fuzz suite found, pinned as plain examples: both are
 * the client's malformed input and must be 400s that say what is wrong.
 */

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('POST /batch_prediction with a malformed multipart body', () => {
  const whole = multipart(Buffer.from('x\n1\n2\n'));

  it.each([
    ['cut off before the file part ends', whole.payload.subarray(0, 60), whole.headers, 'Unexpected end of multipart data'],
    [
      'whose boundary is not the declared one',
      whole.payload,
      { 'content-type': 'multipart/form-data; boundary=other' },
      'Unexpected end of multipart data',
    ],
    ['declared without a boundary', whole.payload, { 'content-type': 'multipart/form-data' }, 'Multipart: Boundary not found'],
  ])('answers 400 to a body %s', async (_name, payload, headers, detail) => {
    const res = await app.inject({ method: 'POST', url: '/batch_prediction', headers, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'SERVER_NO_FILE',
      message: `the upload could not be read as multipart/form-data (${detail}); send one CSV file as multipart/form-data (field name "file")`,
    });
  });
});

describe('POST /v2/models/{name}/infer with data nested deeper than its shape', () => {
  function infer(shape: number[], data: string) {
    return app.inject({
      method: 'POST',
      url: '/v2/models/price-by-area/infer',
      headers: { 'content-type': 'application/json' },
      payload: `{"inputs":[{"name":"area","shape":${JSON.stringify(shape)},"datatype":"FP64","data":${data}}]}`,
    });
  }

  it('answers 400, not a stack overflow, to 100,000 levels of nesting', async () => {
    const res = await infer([1], `${'['.repeat(100_000)}2${']'.repeat(100_000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'input "area" data[0] is nested deeper than the shape [1] allows' });
  });

  it('refuses nesting deeper than the shape, and accepts nesting that matches it', async () => {
    expect((await infer([2], '[[1],[2]]')).json()).toEqual({ error: 'input "area" data[0] is nested deeper than the shape [2] allows' });
    expect((await infer([1, 1], '[[[1]]]')).json()).toEqual({
      error: 'input "area" data[0][0] is nested deeper than the shape [1, 1] allows',
    });
    const res = await infer([2, 1], '[[1],[2]]');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outputs: [{ data: [4, 9] }] });
  });
});
