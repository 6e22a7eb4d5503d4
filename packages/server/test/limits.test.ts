import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, multipartBody } from './helpers';

function batch(app: FastifyInstance, forwardedFor?: string) {
  const { payload, headers } = multipartBody('x\n1\n');
  return app.inject({
    method: 'POST',
    url: '/batch_prediction',
    headers: { ...headers, ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) },
    payload,
  });
}

function predict(app: FastifyInstance, forwardedFor?: string) {
  return app.inject({ method: 'GET', url: '/predict?x=1', headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
}

async function withApp(config: Parameters<typeof buildTestApp>[0], run: (app: FastifyInstance) => Promise<void>): Promise<void> {
  const app = await buildTestApp(config);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe('rate limits behind a proxy (TRUST_PROXY)', () => {
  it('keys on the X-Forwarded-For client when the proxy is trusted', async () => {
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: true } }, async (app) => {
      expect((await predict(app, '203.0.113.1')).statusCode).toBe(200);
      expect((await predict(app, '203.0.113.2')).statusCode).toBe(200);
      expect((await predict(app, '203.0.113.1')).statusCode).toBe(429);
    });
  });

  it('trusts a proxy named by address, as the manifests do', async () => {
    // app.inject connects from 127.0.0.1, the trusted proxy here.
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: ['127.0.0.1'] } }, async (app) => {
      expect((await predict(app, '203.0.113.1')).statusCode).toBe(200);
      expect((await predict(app, '203.0.113.2')).statusCode).toBe(200);
    });
  });

  it('trusts a number of hops', async () => {
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: 1 } }, async (app) => {
      expect((await predict(app, '203.0.113.1')).statusCode).toBe(200);
      expect((await predict(app, '198.51.100.7, 203.0.113.2')).statusCode).toBe(200);
      // One hop trusted: the client is the right-most forwarded address, whatever is left of it.
      expect((await predict(app, '192.0.2.99, 203.0.113.2')).statusCode).toBe(429);
    });
  });

  it('ignores X-Forwarded-For by default, so a client cannot pick its own bucket', async () => {
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 1 } }, async (app) => {
      expect((await predict(app, '203.0.113.1')).statusCode).toBe(200);
      expect((await predict(app, '203.0.113.2')).statusCode).toBe(429);
    });
  });
});

describe('rate limits of the expensive routes', () => {
  it('answers 429 on POST /batch_prediction past its own limit while /predict is still served', async () => {
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 100, BATCH_RATE_LIMIT_PER_MINUTE: 1 } }, async (app) => {
      expect((await batch(app)).statusCode).toBe(200);
      const limited = await batch(app);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({
        error: 'SERVER_RATE_LIMITED',
        message: expect.stringMatching(/^rate limit of 1 requests per minute exceeded; retry in/),
      });
      expect((await predict(app)).statusCode).toBe(200);
      // The upload form is a cheap page, not the expensive route.
      expect((await app.inject({ method: 'GET', url: '/batch_prediction' })).statusCode).toBe(200);
    });
  });

  it('counts each client separately on the expensive route', async () => {
    await withApp({ config: { BATCH_RATE_LIMIT_PER_MINUTE: 1, TRUST_PROXY: true } }, async (app) => {
      expect((await batch(app, '203.0.113.1')).statusCode).toBe(200);
      expect((await batch(app, '203.0.113.2')).statusCode).toBe(200);
      expect((await batch(app, '203.0.113.1')).statusCode).toBe(429);
    });
  });

  it('gives every /analysis page and download one shared budget', async () => {
    await withApp({ config: { RATE_LIMIT_PER_MINUTE: 100, ANALYSIS_RATE_LIMIT_PER_MINUTE: 2 } }, async (app) => {
      expect((await app.inject({ method: 'GET', url: '/analysis' })).statusCode).not.toBe(429);
      expect((await app.inject({ method: 'GET', url: '/analysis/q1.csv' })).statusCode).not.toBe(429);
      expect((await app.inject({ method: 'GET', url: '/analysis/q2.csv' })).statusCode).toBe(429);
      expect((await predict(app)).statusCode).toBe(200);
    });
  });
});

describe('timeouts', () => {
  it('sets the HTTP server timeouts from CONNECTION_TIMEOUT_MS and REQUEST_TIMEOUT_MS', async () => {
    await withApp({ config: { CONNECTION_TIMEOUT_MS: 1234, REQUEST_TIMEOUT_MS: 5678 } }, async (app) => {
      expect(app.server.timeout).toBe(1234);
      expect(app.server.requestTimeout).toBe(5678);
    });
  });

  it('closes a connection whose upload stops arriving', async () => {
    await withApp({ config: { CONNECTION_TIMEOUT_MS: 200 } }, async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const socket = net.connect(port, '127.0.0.1');
      const closed = new Promise<string>((resolve) => {
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
      });
      // A declared 1 MB body of which 10 bytes ever arrive.
      socket.write(
        'POST /batch_prediction HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n--b\r\nabcd',
      );
      expect(await closed).not.toMatch(/^HTTP\/1\.1 200/);
    });
  });
});
