import * as http from 'node:http';
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
  it('cuts a streaming answer off cleanly when its request times out, never splicing a 408 into it', async () => {
    await withApp({}, async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const serverSide = new Promise<net.Socket>((resolve) => app.server.once('connection', resolve));
      const { payload, headers } = multipartBody(`x${','.repeat(999)}\n${'1\n'.repeat(200_000)}`);
      const client = net.connect(port, '127.0.0.1');
      client.write(
        `POST /batch_prediction HTTP/1.1\r\nHost: x\r\nContent-Type: ${headers['content-type']}\r\nContent-Length: ${payload.length}\r\n\r\n`,
      );
      // Half the upload, then silence: a slow client whose answer has started.
      client.write(payload.subarray(0, payload.length / 2));
      const socket = await serverSide;
      const received = new Promise<string>((resolve) => {
        let text = '';
        client.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        // Being cut off while still connected is the expected end here.
        client.on('error', () => undefined);
        client.on('close', () => resolve(text));
      });
      // Once the server has written everything it could, time the request out
      // as Node's REQUEST_TIMEOUT_MS check does: a clientError on its socket.
      let written = -1;
      while (socket.bytesWritten === 0 || socket.bytesWritten !== written || socket.writableLength > 0) {
        written = socket.bytesWritten;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      app.server.emit('clientError', Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
      const text = await received;
      expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
      expect(text).not.toContain('HTTP/1.1 408');
    });
  });

  it('still answers 408 to a request whose answer has not started', async () => {
    await withApp({}, async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const serverSide = new Promise<net.Socket>((resolve) => app.server.once('connection', resolve));
      const client = net.connect(port, '127.0.0.1');
      client.write(
        'POST /batch_prediction HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n\r\n--b',
      );
      const received = new Promise<string>((resolve) => {
        let text = '';
        client.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        client.on('close', () => resolve(text));
      });
      const socket = await serverSide;
      app.server.emit('clientError', Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
      expect(await received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    });
  });
});

describe('POST /batch_prediction over a real socket', () => {
  it('streams every row of an upload many times smaller than its answer, intact', async () => {
    await withApp({}, async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const rows = 200_000;
      const { payload, headers } = multipartBody(`x${','.repeat(999)}\n${'1\n'.repeat(rows)}`);
      const answer = await new Promise<{ status: number; lines: number; last: string }>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/batch_prediction',
            headers: { ...headers, 'content-length': String(payload.length) },
          },
          (response) => {
            let lines = 0;
            let tail = '';
            response.on('data', (chunk: Buffer) => {
              for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
              tail = (tail + chunk.toString('latin1')).slice(-200);
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, lines, last: tail.trimEnd().split('\n').pop() ?? '' }));
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(payload);
      });
      expect(answer).toEqual({ status: 200, lines: rows + 1, last: '1,,row has 1 fields but the header has 1000; written as read' });
    });
  });
});
