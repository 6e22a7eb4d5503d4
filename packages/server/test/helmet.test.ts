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
    ['a page form', 'GET', '/single_prediction'],
    ['an unknown route', 'GET', '/no/such/page'],
    ['a static file', 'GET', '/public/style.css'],
    ['a batch upload without a body', 'POST', '/batch_prediction'],
  ] as const)('are on %s', async (_name, method, url) => {
    const res = await app.inject({ method, url });
    for (const [name, value] of Object.entries(expected)) expect([name, res.headers[name]]).toEqual([name, value]);
  });

  // OWASP REST Security Cheat Sheet, "Security Headers": the headers for
  // every API response; helmet's document headers are for pages.
  const OWASP_API_HEADERS = {
    'cache-control': 'no-store',
    'content-security-policy': "frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
  const PAGE_ONLY = [
    'cross-origin-opener-policy',
    'origin-agent-cluster',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-xss-protection',
  ];

  it.each([
    ['a JSON prediction', 'GET', '/predict?x=2'],
    ['a validation error', 'GET', '/predict?x=abc'],
    ['a repeated parameter', 'GET', '/predict?x=1&x=2'],
    ['a JSON batch', 'POST', '/predict'],
    ['an Open Inference Protocol route', 'GET', '/v2/health/ready'],
    ['the liveness probe', 'GET', '/healthz'],
    ['the metrics', 'GET', '/metrics'],
    ['the model artifact', 'GET', '/model.json'],
  ] as const)("are the API set on %s, and none of the pages' own", async (_name, method, url) => {
    const res = await app.inject(method === 'POST' ? { method, url, payload: { x: [1] } } : { method, url });
    expect(res.headers).toMatchObject({ ...OWASP_API_HEADERS, 'strict-transport-security': expected['strict-transport-security'] });
    for (const name of PAGE_ONLY) expect([name, res.headers[name]]).toEqual([name, undefined]);
  });

  it('leave /docs its own, wider CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data:");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
