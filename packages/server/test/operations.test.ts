import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTestApp, mainOf } from './helpers';
import { openDatabase, type Database } from 'loader';
import type { FastifyInstance } from 'fastify';
import { DatabaseSlot } from '../src/plugins/app/database';
import { toHttpError } from '../src/plugins/app/error-handler';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'realxdeal-server-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /healthz', () => {
  it('answers 200 while the process is up, database or not', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    } finally {
      await app.close();
    }
  });
});

describe('GET /readyz', () => {
  it('is ready without a database: predictions need only the model', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', database: 'not configured' } });
    } finally {
      await app.close();
    }
  });

  it('is ready when a database is configured but not connected, and says so', async () => {
    const app = await buildTestApp({ config: { DATABASE_URL: 'mysql://u:p@127.0.0.1:1/db' } });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', database: 'unreachable' } });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('\ndatabase_up 0\n');
    } finally {
      await app.close();
    }
  });

  describe('with a database', () => {
    let database: Database;
    let app: FastifyInstance;
    beforeAll(async () => {
      database = await openDatabase(`sqlite:${path.join(dir, 'ready.sqlite')}`);
      app = await buildTestApp({ database });
    });
    afterAll(async () => {
      await app.close();
      await database.close();
    });

    it('reports the database as ok, in the body and in /metrics', async () => {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', database: 'ok' } });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('\ndatabase_up 1\n');
    });

    it('stays ready once the database stops answering, reporting it unreachable after the next check', async () => {
      const broken = await openDatabase(`sqlite:${path.join(dir, 'broken.sqlite')}`);
      const other = await buildTestApp({ database: broken });
      try {
        await broken.close();
        await other.database.refresh();
        const res = await other.inject({ method: 'GET', url: '/readyz' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', database: 'unreachable' } });
        expect((await other.inject({ method: 'GET', url: '/metrics' })).body).toContain('\ndatabase_up 0\n');
      } finally {
        await other.close();
      }
    });
  });
});

describe('DatabaseSlot', () => {
  it('keeps retrying until the database answers, then adopts it', async () => {
    const slot = new DatabaseSlot(null, true);
    expect(await slot.check()).toEqual({ status: 'unreachable' });
    let attempts = 0;
    const database = await openDatabase(`sqlite:${path.join(dir, 'retry.sqlite')}`);
    const log = { info: jest.fn(), debug: jest.fn() };
    await new Promise<void>((resolve) => {
      slot.retry(
        async () => {
          attempts++;
          if (attempts < 3) throw new Error('still down');
          setImmediate(resolve);
          return database;
        },
        5,
        log,
      );
    });
    expect(attempts).toBe(3);
    expect(slot.current).toBe(database);
    expect(await slot.check()).toEqual({ status: 'ok' });
    slot.stopRetrying();
    await database.close();
  });
});

describe('GET /metrics', () => {
  it('exposes request counts and latency by route and status, and predictions served', async () => {
    const app = await buildTestApp();
    try {
      await app.inject({ method: 'GET', url: '/predict?x=2' });
      await app.inject({ method: 'GET', url: '/predict?x=oops' });
      await app.inject({ method: 'POST', url: '/predict', payload: { x: [1, 2, 'a'] } });
      await app.inject({ method: 'GET', url: '/no/such/route' });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(text).toContain('http_requests_total{method="GET",route="/predict",status_code="200"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="/predict",status_code="400"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="unmatched",status_code="404"} 1');
      expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/predict",status_code="200"\} \d/);
      expect(text).toContain('predictions_total{endpoint="json"} 1');
      expect(text).toContain('predictions_total{endpoint="json_batch"} 2');
      expect(text).toContain('process_cpu_seconds_total');
    } finally {
      await app.close();
    }
  });

  it('keeps one registry per app, so two apps do not clash', async () => {
    const [a, b] = await Promise.all([buildTestApp(), buildTestApp()]);
    try {
      await a.inject({ method: 'GET', url: '/predict?x=1' });
      expect((await b.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('predictions_total{endpoint="json"}');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('GET /docs', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.0.3');
    for (const route of [
      '/predict',
      '/batch_prediction',
      '/v2/models/{name}/infer',
      '/healthz',
      '/readyz',
      '/metrics',
      '/single_prediction',
      '/analysis',
      '/analysis.json',
    ]) {
      expect(Object.keys(doc.paths)).toContain(route);
    }
    const get = doc.paths['/predict'].get;
    expect(get.parameters).toEqual([expect.objectContaining({ name: 'x', in: 'query', required: true })]);
    expect(Object.keys(get.responses)).toEqual(['200', '400']);
    expect(Object.keys(doc.paths['/v2/models/{name}/infer'].post.responses)).toEqual(['200', '400', '404']);
    const answers = doc.paths['/analysis.json'].get;
    expect(answers.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['drop', 'month', 'spike']);
    expect(Object.keys(answers.responses)).toEqual(['200', '400', '503']);
    expect(Object.keys(answers.responses['200'].content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['month', 'q1', 'q2', 'q3', 'q4', 'q5', 'weekday', 'weekday_pattern']),
    );
  });

  it('serves Swagger UI with CSP allowances scoped to /docs', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    expect(ui.headers['content-security-policy']).toContain("img-src 'self' data:");
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-security-policy']).toContain("img-src 'self';");
    expect(page.headers['content-security-policy']).not.toContain('data:');
  });
});

describe('security headers, request ids and rate limits', () => {
  it('sets a self-only CSP and the usual hardening headers', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    } finally {
      await app.close();
    }
  });

  it('echoes a safe incoming request id and makes one up otherwise', async () => {
    const app = await buildTestApp();
    try {
      const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
      expect(given.headers['x-request-id']).toBe('abc-123');
      const unsafe = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\nc' } });
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await app.close();
    }
  });

  it('limits requests per minute when RATE_LIMIT_PER_MINUTE is set, sparing the probes', async () => {
    const app = await buildTestApp({ config: { RATE_LIMIT_PER_MINUTE: 2 } });
    try {
      expect((await app.inject({ method: 'GET', url: '/predict?x=1' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/predict?x=1' })).statusCode).toBe(200);
      const limited = await app.inject({ method: 'GET', url: '/predict?x=1' });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({
        error: 'SERVER_RATE_LIMITED',
        message: expect.stringMatching(/rate limit of 2 requests per minute exceeded; retry in/),
      });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('does not limit when RATE_LIMIT_PER_MINUTE is 0', async () => {
    const app = await buildTestApp({ config: { RATE_LIMIT_PER_MINUTE: 0 } });
    try {
      for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/predict?x=1' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('error mapping', () => {
  it('hides the message of an unexpected error', () => {
    expect(toHttpError(new Error('secret detail'))).toEqual({
      statusCode: 500,
      code: 'SERVER_INTERNAL',
      message: 'internal server error; the details are in the server log',
    });
  });

  it('renders an HTML error page for page routes', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/missing-page', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(404);
      expect(mainOf(res.body)).toContain('<h1>Error 404</h1>');
    } finally {
      await app.close();
    }
  });
});
