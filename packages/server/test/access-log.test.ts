/**
 * The access log: one line per request; failures always; successful
 * requests at most ACCESS_LOG_MAX_PER_SECOND a second, with a line saying
 * how many more there were, so every request is logged or counted.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import type { ServerConfig } from '../src/config';
import { testModel } from './helpers';

interface Line {
  msg: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  notLogged?: number;
  maxPerSecond?: number;
}

async function appLogging(config: Partial<ServerConfig>): Promise<{ app: FastifyInstance; lines: Line[] }> {
  const stream = new PassThrough();
  const lines: Line[] = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const part of parts) lines.push(JSON.parse(part) as Line);
  });
  const app = await buildApp({ model: testModel(), config: { RATE_LIMIT_PER_MINUTE: 0, ...config }, logger: { stream } });
  return { app, lines };
}

const completed = (lines: Line[]): Line[] => lines.filter((l) => l.msg === 'request completed');
const summaries = (lines: Line[]): Line[] => lines.filter((l) => l.notLogged !== undefined);

describe('the access log', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('writes one line per request, with its id, method, url and status', async () => {
    const built = await appLogging({});
    app = built.app;
    const res = await app.inject({ method: 'GET', url: '/predict?x=2', headers: { 'x-request-id': 'abc-1' } });
    expect(res.statusCode).toBe(200);
    expect(completed(built.lines)).toEqual([
      expect.objectContaining({
        reqId: 'abc-1',
        req: expect.objectContaining({ method: 'GET', url: '/predict?x=2' }),
        res: { statusCode: 200 },
      }),
    ]);
    expect(built.lines.filter((l) => l.msg === 'incoming request')).toEqual([]);
  });

  it('logs every failure even when successful requests are sampled out', async () => {
    const built = await appLogging({ ACCESS_LOG_SAMPLE: 0 });
    app = built.app;
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/predict?x=2' });
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/predict?x=abc' });
    expect(completed(built.lines).map((l) => l.res?.statusCode)).toEqual([400, 400, 400]);
  });

  it('writes at most ACCESS_LOG_MAX_PER_SECOND success lines a second, then says how many it held back', async () => {
    const cap = 3;
    const requests = 20;
    const built = await appLogging({ ACCESS_LOG_MAX_PER_SECOND: cap });
    app = built.app;
    const started = Date.now();
    for (let i = 0; i < requests; i++) await app.inject({ method: 'GET', url: `/predict?x=${i + 1}` });
    // Failures are not counted against the cap.
    await app.inject({ method: 'GET', url: '/predict?x=oops' });
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    // The held-back count is written when the second ends.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const successes = completed(built.lines).filter((l) => l.res?.statusCode === 200);
    expect(successes.length).toBeLessThanOrEqual(cap * seconds);
    expect(completed(built.lines).filter((l) => l.res?.statusCode === 400)).toHaveLength(1);
    const held = summaries(built.lines);
    expect(held.every((l) => l.maxPerSecond === cap)).toBe(true);
    // Every successful request is either a line or in a count.
    expect(successes.length + held.reduce((n, l) => n + l.notLogged!, 0)).toBe(requests);
  });

  it('writes the held-back count at close rather than losing it', async () => {
    const built = await appLogging({ ACCESS_LOG_MAX_PER_SECOND: 1 });
    for (let i = 0; i < 5; i++) await built.app.inject({ method: 'GET', url: '/predict?x=2' });
    await built.app.close();
    const logged = completed(built.lines).length;
    expect(logged + summaries(built.lines).reduce((n, l) => n + l.notLogged!, 0)).toBe(5);
  });

  it('logs every successful request with the cap off (0)', async () => {
    const built = await appLogging({ ACCESS_LOG_MAX_PER_SECOND: 0 });
    app = built.app;
    for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url: '/predict?x=2' });
    expect(completed(built.lines)).toHaveLength(50);
    expect(summaries(built.lines)).toEqual([]);
  });
});
