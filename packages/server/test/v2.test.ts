import { buildTestApp } from './helpers';
import type { FastifyInstance } from 'fastify';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ config: { MAX_BATCH_JSON: 4 } });
});
afterAll(() => app.close());

const infer = (payload: unknown, url = '/v2/models/price-by-area/infer') => app.inject({ method: 'POST', url, payload: payload as object });

describe('Open Inference Protocol: health and metadata', () => {
  it('GET /v2 answers the server metadata', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'server', version: '0.1.0', extensions: [] });
    expect((await app.inject({ method: 'GET', url: '/v2/' })).json()).toEqual(res.json());
  });

  it.each([
    ['/v2/health/live', { live: true }],
    ['/v2/health/ready', { ready: true }],
    ['/v2/models/price-by-area/ready', { ready: true }],
    ['/v2/models/price-by-area/versions/2021.02.1/ready', { ready: true }],
  ])('GET %s answers 200', async (url, body) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(body);
  });

  it('GET /v2/models/{name} answers the model metadata field by field', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/models/price-by-area' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['inputs', 'name', 'outputs', 'platform', 'versions']);
    expect(body.name).toBe('price-by-area');
    expect(body.versions).toEqual(['2021.02.1']);
    expect(body.platform).toBe('realxdeal-polynomial');
    expect(body.inputs).toEqual([{ name: 'area', datatype: 'FP64', shape: [-1] }]);
    expect(body.outputs).toEqual([{ name: 'prediction', datatype: 'FP64', shape: [-1] }]);
    expect((await app.inject({ method: 'GET', url: '/v2/models/price-by-area/versions/2021.02.1' })).json()).toEqual(body);
  });

  it.each([
    ['/v2/models/other', 'model "other" is not served here; this server serves "price-by-area"'],
    ['/v2/models/other/ready', 'model "other" is not served here; this server serves "price-by-area"'],
    ['/v2/models/price-by-area/versions/9', 'model "price-by-area" has no version "9"; the served version is "2021.02.1"'],
    ['/v2/models/price-by-area/versions/9/ready', 'model "price-by-area" has no version "9"; the served version is "2021.02.1"'],
    ['/v2/nothing', 'no route GET /v2/nothing; see /docs for the API'],
  ])('GET %s answers 404 with { error }', async (url, error) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error });
  });
});

describe('POST /v2/models/{name}/infer', () => {
  it('answers the standard response, field by field', async () => {
    const res = await infer({
      id: 'req-42',
      parameters: { note: 'ignored' },
      inputs: [{ name: 'area', shape: [3], datatype: 'FP64', data: [1, 2.5, 12.5] }],
      outputs: [{ name: 'prediction' }],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'model_name', 'model_version', 'outputs']);
    expect(body.model_name).toBe('price-by-area');
    expect(body.model_version).toBe('2021.02.1');
    expect(body.id).toBe('req-42');
    expect(body.outputs).toHaveLength(1);
    const [output] = body.outputs;
    expect(Object.keys(output).sort()).toEqual(['data', 'datatype', 'name', 'shape']);
    expect(output.name).toBe('prediction');
    expect(output.datatype).toBe('FP64');
    expect(output.shape).toEqual([3]);
    expect(output.data).toEqual([4, 12.25, 182.25]);
  });

  it('accepts [n, 1] nested data, other numeric datatypes and the version path; makes up an id', async () => {
    const res = await infer(
      { inputs: [{ name: 'area', shape: [2, 1], datatype: 'FP32', data: [[1], [2]] }] },
      '/v2/models/price-by-area/versions/2021.02.1/infer',
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.outputs[0]).toEqual({ name: 'prediction', shape: [2], datatype: 'FP64', data: [4, 9] });
  });

  it.each([
    ['no inputs', { inputs: [] }, 'expected exactly one input named "area", got 0'],
    [
      'a wrong input name',
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP64', data: [1] }] },
      'unknown input "x"; this model takes one input named "area"',
    ],
    [
      'a text datatype',
      { inputs: [{ name: 'area', shape: [1], datatype: 'BYTES', data: ['1'] }] },
      'input "area" has datatype BYTES; expected FP64 (or another numeric datatype)',
    ],
    [
      'a wide shape',
      { inputs: [{ name: 'area', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] },
      'input "area" has shape [1, 2]; expected [n] or [n, 1]',
    ],
    [
      'a shape/data mismatch',
      { inputs: [{ name: 'area', shape: [3], datatype: 'FP64', data: [1, 2] }] },
      'input "area" has 2 elements but its shape [3] needs 3',
    ],
    [
      'too much data',
      { inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [1, 2] }] },
      'input "area" data holds more elements than its shape declares',
    ],
    [
      'a string element',
      { inputs: [{ name: 'area', shape: [2], datatype: 'FP64', data: [1, '2'] }] },
      'input "area" data[1] must be a finite number, got string',
    ],
    [
      'a null element',
      { inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [null] }] },
      'input "area" data[0] must be a finite number, got null',
    ],
    [
      'more than MAX_BATCH_JSON',
      { inputs: [{ name: 'area', shape: [5], datatype: 'FP64', data: [1, 2, 3, 4, 5] }] },
      'input "area" has 5 elements; at most 4 per request',
    ],
    [
      'an unknown output',
      { inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [1] }], outputs: [{ name: 'price' }] },
      'unknown output "price"; this model has one output named "prediction"',
    ],
    [
      'an overflowing prediction',
      { inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [1e200] }] },
      'input "area" element 0 (1e+200) is too far outside the training range: the prediction overflows',
    ],
    ['a request without inputs', { id: '1' }, "body must have required property 'inputs'"],
    [
      'a negative dimension',
      { inputs: [{ name: 'area', shape: [-1], datatype: 'FP64', data: [1] }] },
      'body/inputs/0/shape/0 must be >= 0',
    ],
  ])('answers 400 { error } for %s', async (_name, payload, error) => {
    const res = await infer(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error });
  });

  it('answers 400 { error } for malformed JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v2/models/price-by-area/infer',
      headers: { 'content-type': 'application/json' },
      payload: '{"inputs": [',
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json())).toEqual(['error']);
  });

  it('answers 404 { error } for another model', async () => {
    const res = await infer({ inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [1] }] }, '/v2/models/other/infer');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'model "other" is not served here; this server serves "price-by-area"' });
  });

  it('answers 404 { error } for another version', async () => {
    const res = await infer(
      { inputs: [{ name: 'area', shape: [1], datatype: 'FP64', data: [1] }] },
      '/v2/models/price-by-area/versions/1/infer',
    );
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'model "price-by-area" has no version "1"; the served version is "2021.02.1"' });
  });
});
