/**
 * What one upload to POST /batch_prediction can cost the server (issue 10,
 * item 4): each hostile CSV below is sent to a fresh server process (so the
 * kernel's peak-RSS counter, VmHWM, belongs to that upload alone) while
 * /healthz is polled every 10 ms on another connection.
 *
 * Reported per upload: its size, the response size and ratio, the server's
 * peak RSS and its ratio to the same server's RSS when idle (the reference,
 * measured in the same run), and the slowest /healthz answer.
 * Targets: peak RSS under 200 MB, /healthz under 100 ms throughout.
 *
 *   npm run bench:upload -- [--max-upload BYTES] [--only NAME,NAME]
 *   node tools/dist/bench/bench-upload.js [--max-upload BYTES] [--only NAME,NAME]
 *
 * --max-upload sets the server's MAX_UPLOAD_BYTES and the size of the
 * uploads that fill it (default 104857600, the server's default).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { WORKER_SEMI_SPACE_FLAG } from 'server';
import { positive } from './report';
import { freePort, memoryBytes } from './server-children';

/** The built server entry, run as its own process so its VmHWM is this upload's alone. */
const SERVER = require.resolve('server/package.json').replace(/package\.json$/, path.join('dist', 'server.js'));
const MB = 1024 * 1024;

const { values: flags } = parseArgs({ options: { 'max-upload': { type: 'string' }, only: { type: 'string' } }, strict: true });
const MAX_UPLOAD = positive('max-upload', flags['max-upload'], 104857600);
const ONLY = (flags.only ?? '').split(',').filter(Boolean);
const MAX_COLUMNS = 1000;
const MAX_RECORD = 65536;

/** Repeats `unit` until `total` bytes (the last copy cut short), in ~64 KiB buffers. */
function* repeat(unit: string, total: number): Generator<Buffer> {
  const u = Buffer.from(unit);
  const copies = Math.max(1, Math.floor((64 * 1024) / u.length));
  const block = Buffer.concat(Array(copies).fill(u));
  let left = total;
  while (left > 0) {
    const n = Math.min(left, block.length);
    yield n === block.length ? block : block.subarray(0, n);
    left -= n;
  }
}

interface Scenario {
  name: string;
  what: string;
  body(this: void): Generator<Buffer>;
}

/** Each upload: a name, what makes it hostile, and a generator of its bytes (at most MAX_UPLOAD). */
function scenarios(size: number): Scenario[] {
  const header = (columns: number): string => `x${','.repeat(columns - 1)}\n`;
  return [
    {
      name: 'reported',
      what: 'the report: header x + 60,000 commas, then 30,000 rows of 1 (120 KB)',
      *body() {
        yield Buffer.from(header(60_001));
        yield* repeat('1\n', 60_000);
      },
    },
    {
      name: 'single-column',
      what: 'the common case: one number per line, filling MAX_UPLOAD_BYTES',
      *body() {
        yield Buffer.from('x\n');
        yield* repeat('12.5\n', size - 2);
      },
    },
    {
      name: 'widest-short-rows',
      what: `header at the column limit (${MAX_COLUMNS}), then short rows of 1, filling MAX_UPLOAD_BYTES`,
      *body() {
        const h = header(MAX_COLUMNS);
        yield Buffer.from(h);
        yield* repeat('1\n', size - h.length);
      },
    },
    {
      name: 'junk-rows',
      what: 'headerless junk: rows of "z", each answered with an error message',
      *body() {
        yield Buffer.from('1\n');
        yield* repeat('z\n', size - 2);
      },
    },
    {
      name: 'long-records',
      what: `rows just under the record limit (${MAX_RECORD} bytes), filling MAX_UPLOAD_BYTES`,
      *body() {
        const row = `1,${'a'.repeat(MAX_RECORD - 8)}\n`;
        yield Buffer.from('x,c\n');
        yield* repeat(row, size - 4);
      },
    },
    {
      name: 'over-long-records',
      what: 'rows twice the record limit, each skipped with an error row',
      *body() {
        yield Buffer.from('x,c\n');
        yield* repeat(`1,${'a'.repeat(2 * MAX_RECORD)}\n`, size - 4);
      },
    },
    {
      name: 'unclosed-quote',
      what: 'an opening quote on line 2 that never closes',
      *body() {
        yield Buffer.from('x,c\n1,"');
        yield* repeat('a,b\n', size - 7);
      },
    },
    {
      name: 'wide-rows',
      what: 'header x, rows of 30,000 empty fields (extra fields beyond the header)',
      *body() {
        yield Buffer.from('x\n');
        yield* repeat(`1${','.repeat(30_000)}\n`, size - 2);
      },
    },
    {
      name: 'quoted-cells',
      what: 'every cell quoted with doubled quotes inside, 8 columns',
      *body() {
        yield Buffer.from('x,a,b,c,d,e,f,g\n');
        yield* repeat(`"1",${Array(7).fill('"a""b""c"').join(',')}\n`, size - 16);
      },
    },
  ].filter((s: Scenario) => ONLY.length === 0 || ONLY.includes(s.name));
}

function get(agent: http.Agent, port: number, urlPath: string): Promise<{ status: number | undefined; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
  });
}

interface Server {
  child: ChildProcess;
  pid: number;
  port: number;
  agent: http.Agent;
}

async function startServer(dir: string): Promise<Server> {
  const port = await freePort();
  // The flag the cluster primary gives every worker (WORKER_SEMI_SPACE_FLAG).
  const child = spawn(process.execPath, [WORKER_SEMI_SPACE_FLAG, SERVER], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`,
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
      RATE_LIMIT_PER_MINUTE: '0',
      BATCH_RATE_LIMIT_PER_MINUTE: '0',
      // One process, run as a cluster worker is (same Node flag), so VmHWM
      // is the process that served the upload; every worker is bounded alike.
      WEB_CONCURRENCY: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Up to 60 s: a shared, loaded machine can take that long to start Node.
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await get(agent, port, '/healthz')).status === 200) return { child, pid: child.pid!, port, agent };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('server did not start');
}

function stopServer({ child, agent }: Server): Promise<void> {
  agent.destroy();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Sends the multipart upload with backpressure; resolves with the status and response size. */
function upload(
  port: number,
  body: () => Generator<Buffer>,
  size: number,
): Promise<{ status: number | undefined; bytes: number; start: string }> {
  const boundary = '----bench-upload-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/batch_prediction',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
        },
      },
      (res) => {
        let bytes = 0;
        let start = '';
        res.on('data', (chunk: Buffer) => {
          if (start.length < 300) start += chunk.toString('utf8', 0, Math.min(chunk.length, 300));
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode, bytes, start: start.slice(0, 300) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const it = body();
    const pump = (): void => {
      for (;;) {
        const next = it.next();
        if (next.done) {
          req.end(tail);
          return;
        }
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    req.write(head);
    pump();
  });
}

function sizeOf(body: () => Generator<Buffer>): number {
  let n = 0;
  for (const chunk of body()) n += chunk.length;
  return n;
}

/**
 * Polls /healthz from its own process (so the upload's client, busy with a
 * multi-GB response, cannot delay the probe) until its stdin closes, then
 * prints the slowest answer in ms.
 */
const POLLER = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let slowest = 0;
let polling = true;
process.stdin.on('end', () => { polling = false; });
process.stdin.resume();
(async () => {
  while (polling) {
    const started = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: Number(process.argv[1]), path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - started) / 1e6);
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write(String(slowest));
  agent.destroy();
})();
`;

function startPoller(port: number): { stop(): Promise<number> } {
  const child = spawn(process.execPath, ['-e', POLLER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number>((resolve) => child.once('exit', () => resolve(Number(out))));
  return {
    stop() {
      child.stdin.end();
      return done;
    },
  };
}

async function measure(dir: string, scenario: Scenario) {
  const server = await startServer(dir);
  const idle = memoryBytes(server.pid).rss;
  const poller = startPoller(server.port);
  const size = sizeOf(scenario.body);
  const started = Date.now();
  const result = await upload(server.port, scenario.body, size);
  const seconds = (Date.now() - started) / 1000;
  const slowest = await poller.stop();
  const { peak } = memoryBytes(server.pid);
  await stopServer(server);
  return { size, idle, peak, slowest, seconds, ...result };
}

const mb = (bytes: number): string => (bytes / MB).toFixed(1);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-'));
  console.log(
    `POST /batch_prediction, MAX_UPLOAD_BYTES=${MAX_UPLOAD}; node ${process.version}; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} CPUs`,
  );
  console.log('upload             | upload MB | status | response MB | resp/upload | peak RSS MB | peak/idle | slowest /healthz ms | s');
  let worst: (Awaited<ReturnType<typeof measure>> & { name: string }) | null = null;
  try {
    for (const scenario of scenarios(MAX_UPLOAD)) {
      const r = await measure(dir, scenario);
      if (worst === null || r.peak > worst.peak) worst = { name: scenario.name, ...r };
      console.log(
        `${scenario.name.padEnd(18)} | ${mb(r.size).padStart(9)} | ${String(r.status).padStart(6)} | ${mb(r.bytes).padStart(11)} | ${(r.bytes / r.size).toFixed(2).padStart(11)} | ${mb(r.peak).padStart(11)} | ${(r.peak / r.idle).toFixed(2).padStart(9)} | ${r.slowest.toFixed(1).padStart(19)} | ${r.seconds.toFixed(1)}`,
      );
      if (r.status !== 200) console.log(`  ${scenario.what}; answer: ${r.start.replace(/\s+/g, ' ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (worst !== null) {
    console.log(
      `worst: ${worst.name}, peak RSS ${mb(worst.peak)} MB (idle ${mb(worst.idle)} MB, ratio ${(worst.peak / worst.idle).toFixed(2)})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
