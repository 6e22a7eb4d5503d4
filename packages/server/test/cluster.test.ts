import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { testModel } from './helpers';

/**
 * WEB_CONCURRENCY through the built entry point, as `npm start` and the
 * image run it: these tests need `npm run build` first.
 */
const SERVER_JS = path.resolve(__dirname, '../dist/server.js');
/**
 * Starting workers is slow on a loaded 2-core machine (each loads the app):
 * every wait is bounded, but generously, and so is each test.
 */
const WAIT_MS = 60_000;
jest.setTimeout(3 * WAIT_MS);
const LISTENING = /^Server listening at http:\/\/127\.0\.0\.1:(\d+)$/;

interface LogLine {
  pid: number;
  msg: string;
  role?: string;
  [key: string]: unknown;
}

interface Cluster {
  child: ChildProcess;
  lines: LogLine[];
  /** Stdout lines that are not one whole JSON object. */
  broken: string[];
  stderr: string[];
  port(): number;
  /** Resolves with the first line (already seen or still to come) that matches. */
  waitFor(match: (line: LogLine) => boolean, what: string): Promise<LogLine>;
  exited: Promise<number | null>;
}

let dir: string;
let modelPath: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'realxdeal-cluster-'));
  modelPath = path.join(dir, 'model.json');
  writeFileSync(modelPath, JSON.stringify(testModel()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const running: Cluster[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill('SIGKILL');
      await c.exited;
    }
  }
});

function startCluster(extra: Record<string, string> = {}): Cluster {
  const child = spawn(process.execPath, [SERVER_JS], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      MODEL_PATH: modelPath,
      DATABASE_URL: `sqlite:${path.join(dir, `cluster-${running.length}-${Date.now()}.sqlite`)}`,
      WEB_CONCURRENCY: '2',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const broken: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve(line: LogLine): void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      broken.push(text);
      return;
    }
    lines.push(line);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(line)) waiter.resolve(line);
      else waiters.push(waiter);
    }
  });
  createInterface({ input: child.stderr }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cluster: Cluster = {
    child,
    lines,
    broken,
    stderr,
    exited,
    port() {
      const line = lines.find((l) => LISTENING.test(l.msg));
      if (!line) throw new Error('not listening yet');
      return Number(LISTENING.exec(line.msg)![1]);
    },
    waitFor(match, what) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr.join(' | ')}`)), WAIT_MS);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
  running.push(cluster);
  return cluster;
}

/** The pids of the workers that have logged that they listen. */
function listeningPids(c: Cluster): number[] {
  return [...new Set(c.lines.filter((l) => LISTENING.test(l.msg)).map((l) => l.pid))];
}

async function bothWorkersListening(c: Cluster): Promise<number[]> {
  await c.waitFor(() => listeningPids(c).length >= 2, 'two workers listening');
  return listeningPids(c);
}

/** A GET on a fresh connection: the primary hands each new connection to the next worker. */
function get(port: number, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}${url}`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('WEB_CONCURRENCY=2 (node:cluster workers)', () => {
  it('replaces a worker that dies, and keeps serving', async () => {
    const c = startCluster();
    const [victim, survivor] = await bothWorkersListening(c);
    process.kill(victim, 'SIGKILL');
    await c.waitFor(
      (l) => l.role === 'primary' && l.msg === 'worker died; starting a replacement' && l.worker === victim,
      'the primary to notice',
    );
    const replacement = await c.waitFor((l) => LISTENING.test(l.msg) && l.pid !== victim && l.pid !== survivor, 'a replacement worker');
    expect(replacement.pid).not.toBe(c.child.pid);
    for (let i = 0; i < 4; i++) expect((await get(c.port(), '/predict?x=2')).status).toBe(200);
  });

  it('serves /metrics summed over every worker', async () => {
    const c = startCluster();
    const workers = await bothWorkersListening(c);
    const requests = 20;
    for (let i = 0; i < requests; i++) expect((await get(c.port(), '/predict?x=2')).status).toBe(200);
    // Both workers answered some of them (one access-log line each, written
    // in batches at most LOG_FLUSH_MS late)...
    const completed = (l: LogLine): boolean => l.msg === 'request completed';
    await c.waitFor(() => c.lines.filter(completed).length >= requests, `${requests} access-log lines`);
    const served = c.lines.filter(completed).map((l) => l.pid);
    expect(new Set(served)).toEqual(new Set(workers));
    // ...and /metrics, answered by one worker, counts all of them.
    const metrics = await get(c.port(), '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain(`http_requests_total{method="GET",route="/predict",status_code="200"} ${requests}`);
    expect(metrics.body).toContain(`predictions_total{endpoint="json"} ${requests}`);
  });

  it('writes every access-log line whole, none lost, while both workers log at once', async () => {
    // Every success logged (no per-second cap): the point is the lines themselves.
    const c = startCluster({ ACCESS_LOG_MAX_PER_SECOND: '0' });
    await bothWorkersListening(c);
    // Keep-alive connections spread over both workers, all busy at once, so
    // both write batches of lines to the one stdout pipe at the same time.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const requests = 3000;
    const statuses = await Promise.all(
      Array.from(
        { length: requests },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            http
              .get(`http://127.0.0.1:${c.port()}/predict?x=${i}`, { agent }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              })
              .on('error', reject);
          }),
      ),
    );
    agent.destroy();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.broken).toEqual([]);
    const logged = c.lines.filter((l) => l.msg === 'request completed').map((l) => (l.req as { url: string }).url);
    expect(logged.sort()).toEqual(Array.from({ length: requests }, (_, i) => `/predict?x=${i}`).sort());
    expect(new Set(c.lines.filter((l) => l.msg === 'request completed').map((l) => l.pid)).size).toBe(2);
  });

  it('holds a client to its rate limit across both workers, not the limit per worker', async () => {
    const limit = 10;
    const c = startCluster({ RATE_LIMIT_PER_MINUTE: String(limit) });
    const workers = await bothWorkersListening(c);
    // A fresh connection per request: the primary deals them to the workers in turn.
    const statuses: number[] = [];
    for (let i = 0; i < 3 * limit; i++) statuses.push((await get(c.port(), '/predict?x=2')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * limit);
    // Both workers answered: without the shared budget each would have let `limit` through.
    const completed = (l: LogLine): boolean => l.msg === 'request completed';
    await c.waitFor(() => c.lines.filter(completed).length >= 3 * limit, 'every access-log line');
    expect(new Set(c.lines.filter(completed).map((l) => l.pid))).toEqual(new Set(workers));
  });

  it('drains every worker on SIGTERM and exits 0', async () => {
    const c = startCluster();
    const workers = await bothWorkersListening(c);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const drained = c.lines.filter((l) => l.msg === 'shutting down: finishing in-flight requests').map((l) => l.pid);
    expect(new Set(drained)).toEqual(new Set(workers));
  });

  it('exits 0 on a SIGTERM that arrives while the second worker is still starting', async () => {
    const c = startCluster();
    // The first worker listening is all `docker stop` right after start waits for.
    await c.waitFor((l) => LISTENING.test(l.msg), 'the first worker listening');
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  it("fails the start once, with the worker's message, when the model cannot load", async () => {
    const c = startCluster({ MODEL_PATH: path.join(dir, 'missing.json') });
    expect(await c.exited).toBe(1);
    expect(c.stderr.join('\n')).toMatch(/failed to start: .*missing\.json/);
    expect(listeningPids(c)).toEqual([]);
  });
});
