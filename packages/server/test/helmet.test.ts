import type { FastifyInstance } from 'fastify';
import { HELMET_OPTIONS, helmetHeaders } from '../src/plugins/external/helmet';
import { buildTestApp } from './helpers';

describe('security headers computed once at start', () => {
  let app: FastifyInstance;
  let expected: Record<string, string>;
  beforeAll(async () => {
    app = await buildTestApp();
    expected = await helmetHeaders(HELMET_OPTIONS);
  });
  afterAll(() => app.close());

  it("are @fastify/helmet's own headers for our options", () => {
    expect(expected).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
    });
    // Only helmet's: nothing Fastify itself writes.
    expect(Object.keys(expected)).not.toEqual(expect.arrayContaining(['content-type']));
  });

  it.each([
    ['a page', 'GET', '/'],
    ['a JSON answer', 'GET', '/predict?x=2'],
    ['a validation error', 'GET', '/predict?x=abc'],
    ['an unknown route', 'GET', '/no/such/page'],
    ['a static file', 'GET', '/public/style.css'],
    ['a batch upload without a body', 'POST', '/batch_prediction'],
  ] as const)('are on %s', async (_name, method, url) => {
    const res = await app.inject({ method, url });
    for (const [name, value] of Object.entries(expected)) expect([name, res.headers[name]]).toEqual([name, value]);
  });

  it('leave /docs its own, wider CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data:");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
