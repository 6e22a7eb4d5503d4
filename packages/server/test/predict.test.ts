import { buildTestApp } from './helpers';
import type { FastifyInstance } from 'fastify';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ config: { MAX_BATCH_JSON: 5 } });
});
afterAll(() => app.close());

const model = { name: 'price-by-area', version: '2021.02.1' };

describe('GET /predict', () => {
  it('predicts one value', async () => {
    const res = await app.inject({ method: 'GET', url: '/predict?x=2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ x: 2, prediction: 9, extrapolated: false, model });
  });

  it('flags a value outside the training range', async () => {
    const res = await app.inject({ method: 'GET', url: '/predict?x=12.5' });
    expect(res.json()).toEqual({ x: 12.5, prediction: 182.25, extrapolated: true, model });
  });

  it('accepts signs, leading dots and exponents', async () => {
    expect((await app.inject({ url: '/predict?x=-.5' })).json()).toMatchObject({ x: -0.5, prediction: 0.25 });
    expect((await app.inject({ url: '/predict?x=%2B1e1' })).json()).toMatchObject({ x: 10, prediction: 121 });
  });

  it.each([
    ['0x10', 'SERVER_INVALID_X', /plain decimal.*"0x10"/],
    ['1e999', 'SERVER_INVALID_X', /too large: "1e999" overflows a double/],
    ['NaN', 'SERVER_INVALID_X', /plain decimal.*"NaN"/],
    ['Infinity', 'SERVER_INVALID_X', /plain decimal.*"Infinity"/],
    ['12%20m2', 'SERVER_INVALID_X', /"12 m2"/],
    ['', 'SERVER_MISSING_X', /x is empty/],
    ['1e200', 'SERVER_INVALID_X', /prediction overflows/],
  ])('rejects x=%s with 400 naming the problem', async (x, error, message) => {
    const res = await app.inject({ method: 'GET', url: `/predict?x=${x}` });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; message: string }>();
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toBe(error);
    expect(body.message).toMatch(message);
  });

  it('rejects a missing x', async () => {
    const res = await app.inject({ method: 'GET', url: '/predict' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'SERVER_MISSING_X', message: 'x is required, e.g. ?x=2' });
  });

  it('rejects a repeated x', async () => {
    const res = await app.inject({ method: 'GET', url: '/predict?x=1&x=2' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'SERVER_REPEATED_PARAMETER', message: 'x was given 2 times; give it exactly once' });
  });
});

describe('POST /predict', () => {
  it('answers one result per value, reporting bad values by position', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { x: [1, 'a', null, 12.5, [2]] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      results: [
        { x: 1, prediction: 4, extrapolated: false },
        { index: 1, error: 'x[1] must be a number, got string' },
        { index: 2, error: 'x[2] must be a number, got null' },
        { x: 12.5, prediction: 182.25, extrapolated: true },
        { index: 4, error: 'x[4] must be a number, got an array' },
      ],
      model,
    });
  });

  it('reports a number that overflowed while parsing the JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json' },
      payload: '{"x":[1e999, 1e200]}',
    });
    expect(res.json().results).toEqual([
      { index: 0, error: 'x[0] is not finite (it overflows a double)' },
      { index: 1, error: 'x[1]=1e+200 is too far outside the training range [0, 10]: the prediction overflows' },
    ]);
  });

  it('answers an empty list with no results', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { x: [] } });
    expect(res.json()).toEqual({ results: [], model });
  });

  it('refuses more values than MAX_BATCH_JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { x: [1, 2, 3, 4, 5, 6] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'SERVER_VALIDATION', message: 'body/x must NOT have more than 5 items' });
  });

  it('refuses a body without x', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { y: [1] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'SERVER_MISSING_X', message: 'x is required, send {"x": [2, 85.5]}' });
  });

  it.each([
    ['x that is not a list', { x: 2 }, /body\/x must be array/],
    ['a list as the whole body', [1, 2], /body must be object/],
  ])('refuses %s', async (_name, payload, message) => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'SERVER_VALIDATION', message: expect.stringMatching(message) });
  });

  it('refuses malformed JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '{"x":[1,' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('SERVER_VALIDATION');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'text/csv' }, payload: '1\n2\n' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('SERVER_UNSUPPORTED_MEDIA_TYPE');
  });
});
