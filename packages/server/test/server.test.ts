import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BOUNDARY, testModel } from './helpers';
import { startServer, type RunningServer } from 'server';

let dir: string;
let modelPath: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'realxdeal-start-'));
  modelPath = path.join(dir, 'model.json');
  writeFileSync(modelPath, JSON.stringify(testModel()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  MODEL_PATH: modelPath,
  ...extra,
});

function baseUrl(server: RunningServer): string {
  return `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
}

/** GET without a keep-alive agent, so no pooled socket outlives the test. */
function get(url: string): Promise<{ status: number; json(): unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as unknown }));
      })
      .on('error', reject);
  });
}

describe('startServer', () => {
  it('loads the model, listens, serves and stops', async () => {
    const server = await startServer(env());
    try {
      const res = await get(`${baseUrl(server)}/predict?x=2`);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ prediction: 9 });
    } finally {
      await server.stop();
    }
    expect(server.app.server.listening).toBe(false);
  });

  it('reports the database ready when DATABASE_URL answers, migrates it, and closes it on stop', async () => {
    const server = await startServer(env({ DATABASE_URL: `sqlite:${path.join(dir, 'start.sqlite')}` }));
    try {
      const res = await get(`${baseUrl(server)}/readyz`);
      expect(res.status).toBe(200);
      // The schema was applied at start, so a fresh database reads as empty.
      expect((await get(`${baseUrl(server)}/analysis`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('keeps serving predictions when the database is unreachable, ready and saying so', async () => {
    const server = await startServer(env({ DATABASE_URL: 'mysql://user:secret@127.0.0.1:1/postings' }));
    try {
      expect((await get(`${baseUrl(server)}/predict?x=1`)).status).toBe(200);
      const ready = await get(`${baseUrl(server)}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.json()).toMatchObject({ checks: { database: 'unreachable' } });
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['a missing model file', { MODEL_PATH: '/no/such/model.json' }, /MODEL_NOT_FOUND|cannot be read/],
    ['a bad configuration', { PORT: 'eighty' }, /PORT must be a whole number/],
    ['a DATABASE_URL naming no file', { DATABASE_URL: 'sqlite:' }, /names no file/],
  ])('refuses to start with %s, in one line', async (_name, extra, message) => {
    await expect(startServer(env(extra))).rejects.toThrow(message);
  });

  it('finishes an in-flight request before stopping', async () => {
    const server = await startServer(env());
    const { port } = server.app.server.address() as AddressInfo;
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="v.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const body = '1\n'.repeat(1000);
    const tail = `\r\n--${BOUNDARY}--\r\n`;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          port,
          host: '127.0.0.1',
          agent: false,
          method: 'POST',
          path: '/batch_prediction',
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': Buffer.byteLength(head + body + tail) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Stop once the server has the request in hand (not after a fixed
      // delay: on a busy machine the connection may not be accepted yet),
      // while the upload is half sent; then send the rest.
      server.app.server.once('request', () => {
        stopped = server.stop();
        setTimeout(() => req.end(body.slice(1000) + tail), 50);
      });
      req.write(head + body.slice(0, 1000));
    });
    let stopped: Promise<void> | undefined;
    const { status, text } = await answer;
    await stopped;
    expect(status).toBe(200);
    expect(text.split('\n').filter((line) => line === '1,4,')).toHaveLength(1000);
  });
});
