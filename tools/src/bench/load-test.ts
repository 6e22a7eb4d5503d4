/**
 * Load test of the real server (a benchmark, not a CI test): does it hold
 * up under many concurrent clients without errors or timeouts?
 *
 * - HTTP: autocannon holds 256 connections on `GET /predict?x=2` for 30 s.
 * - Batch: 64 concurrent uploads (Node's fetch, multipart field `file`) of a
 *   10,000-row one-column CSV to POST /batch_prediction, each with a 60 s
 *   timeout; each answer must be 200 with 10,001 lines (header + rows).
 *
 * The server is startServer in a child process (this file with `--role app`,
 * started by server-children's startChild, as bench-server.ts does): default
 * model, rate limiter off (RATE_LIMIT_PER_MINUTE=0), logger at level silent,
 * a throw-away SQLite database, 127.0.0.1 on a free port. Its RSS (VmRSS) is
 * read from /proc/<pid>/status before and after, with the peak (VmHWM).
 * Pass = no errors, timeouts or non-2xx answers in the HTTP phase and all 64
 * uploads answered correctly; otherwise the exit code is 1.
 *
 *   npm run loadtest
 *   node tools/dist/bench/load-test.js [--connections 256] [--duration 30]
 *
 * Traffic goes to 127.0.0.1 only; every wait is bounded in count and time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { predict } from '@realxdeal/model';
import { DEFAULT_MODEL_PATH, loadModel } from '@realxdeal/model/node';
import { startServer } from 'server';
import {
  CAN_PIN,
  CORES,
  HOST,
  announce,
  cannon,
  getJson,
  killChildren,
  memoryOf,
  pinSelf,
  startChild,
  stopChild,
  valueText,
  type Server,
} from './server-children';
import { benchResult, makeLog, percentile, positive, table } from './report';

const PREDICT_PATH = '/predict?x=2';
const UPLOADS = 64;
const UPLOAD_ROWS = 10_000;
const UPLOAD_TIMEOUT_MS = 60_000;
/** How often the server child checks that this process is still alive. */
const ORPHAN_CHECK_MS = 1_000;

const log = makeLog('load-test');

interface Args {
  role?: string;
  database?: string;
  parent?: string;
  connections: number;
  duration: number;
}

function parseCommandLine(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      database: { type: 'string' },
      parent: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  return {
    role: values.role,
    database: values.database,
    parent: values.parent,
    connections: positive('connections', values.connections, 256),
    duration: positive('duration', values.duration, 30),
  };
}

// --- The server child: `--role app` ------------------------------------------

async function runApp(database: string, parent: number): Promise<void> {
  const server = await startServer({
    PORT: '0',
    HOST,
    LOG_LEVEL: 'silent',
    MODEL_PATH: DEFAULT_MODEL_PATH,
    DATABASE_URL: database,
    RATE_LIMIT_PER_MINUTE: '0',
  });
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  // If the load generator dies without killing us (SIGKILL), do not linger.
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, ORPHAN_CHECK_MS).unref();
  const address = server.app.server.address();
  announce(typeof address === 'object' && address !== null ? address.port : 0);
}

// --- Phase 2: concurrent uploads ------------------------------------------------

type UploadOutcome = { ok: true; seconds: number } | { ok: false; seconds: number; timeout: boolean; reason: string };

function lineCount(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

async function upload(url: string, csv: Blob): Promise<UploadOutcome> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const form = new FormData();
    form.append('file', csv, 'x.csv');
    const res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, seconds: seconds(), timeout: false, reason: `status ${res.status}: ${text.slice(0, 200)}` };
    const lines = lineCount(text);
    if (lines !== UPLOAD_ROWS + 1)
      return { ok: false, seconds: seconds(), timeout: false, reason: `${lines} lines, expected ${UPLOAD_ROWS + 1}` };
    return { ok: true, seconds: seconds() };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const timeout = name === 'TimeoutError' || name === 'AbortError';
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { ok: false, seconds: seconds(), timeout, reason: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

interface BatchFigures {
  successes: number;
  failures: number;
  timeouts: number;
  p50: number;
  p99: number;
  wall: number;
  reasons: string[];
}

async function measureBatch(server: Server): Promise<BatchFigures> {
  const rows: string[] = ['x'];
  for (let i = 0; i < UPLOAD_ROWS; i++) rows.push(valueText(i));
  const csv = new Blob([`${rows.join('\n')}\n`], { type: 'text/csv' });
  const url = `http://${HOST}:${server.port}/batch_prediction`;
  log(
    `${UPLOADS} concurrent uploads of ${UPLOAD_ROWS.toLocaleString('en-US')} rows (${(csv.size / 1e3).toFixed(0)} kB each), ${UPLOAD_TIMEOUT_MS / 1000} s timeout each`,
  );
  const started = process.hrtime.bigint();
  const outcomes = await Promise.all(Array.from({ length: UPLOADS }, () => upload(url, csv)));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = outcomes.filter((o): o is Extract<UploadOutcome, { ok: false }> => !o.ok);
  const seconds = outcomes.map((o) => o.seconds);
  const reasons = [...new Set(failed.map((o) => o.reason))].slice(0, 5);
  for (const reason of reasons) log(`upload failed: ${reason}`);
  return {
    successes: outcomes.length - failed.length,
    failures: failed.length,
    timeouts: failed.filter((o) => o.timeout).length,
    p50: percentile(seconds, 50),
    p99: percentile(seconds, 99),
    wall,
    reasons,
  };
}

// --- Report -------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'yes' : 'NO');
const mb = (n: number) => `${n.toFixed(1)} MB`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv);
  if (args.role === 'app') return runApp(args.database ?? '', Number(args.parent));
  if (args.role !== undefined) throw new Error(`unknown --role ${args.role}`);

  pinSelf();
  const model = loadModel(DEFAULT_MODEL_PATH);
  const loadStart = os.loadavg()[0].toFixed(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realxdeal-load-test-'));
  const database = `sqlite:${path.join(dir, 'load.sqlite')}`;
  let server: Server | undefined;
  const rows: string[][] = [['measurement', 'value', 'target', 'met']];
  let passed = true;
  try {
    server = await startChild(__filename, 'app', ['--database', database, '--parent', String(process.pid)]);
    const url = `http://${HOST}:${server.port}${PREDICT_PATH}`;
    const expected = predict(model, 2).prediction;
    const answer = (await getJson(url)) as { prediction?: unknown };
    if (answer.prediction !== expected)
      throw new Error(`GET ${PREDICT_PATH} answered ${JSON.stringify(answer)}, expected prediction ${expected}`);
    const before = memoryOf(server.pid);
    log(`server pid ${server.pid} on port ${server.port}, RSS ${mb(before.rssMb)}`);

    // (1) HTTP
    log(`GET ${PREDICT_PATH}: ${args.connections} connections for ${args.duration} s`);
    const http = await cannon(url, args.connections, args.duration);
    const afterHttp = memoryOf(server.pid);
    const httpOk = http.errors === 0 && http.timeouts === 0 && http.non2xx === 0;
    passed &&= httpOk;
    log(`GET: ${int(http.requests.total)} requests, ${http.errors} errors, ${http.timeouts} timeouts, ${http.non2xx} non-2xx`);

    // (2) Batch
    const batch = await measureBatch(server);
    const after = memoryOf(server.pid);
    const batchOk = batch.failures === 0;
    passed &&= batchOk;

    const g = `GET ${PREDICT_PATH} (${args.connections} conn, ${args.duration} s)`;
    const b = `POST /batch_prediction (${UPLOADS} x ${int(UPLOAD_ROWS)} rows)`;
    rows.push(
      [`${g}: requests`, int(http.requests.total), '-', '-'],
      [`${g}: errors`, String(http.errors), '0', verdict(http.errors === 0)],
      [`${g}: timeouts`, String(http.timeouts), '0', verdict(http.timeouts === 0)],
      [`${g}: non-2xx`, String(http.non2xx), '0', verdict(http.non2xx === 0)],
      [`${g}: latency p50 / p99`, `${http.latency.p50} / ${http.latency.p99} ms`, '-', '-'],
      [`${g}: requests/s`, int(http.requests.average), '-', '-'],
      [`${b}: successes / failures`, `${batch.successes} / ${batch.failures}`, `${UPLOADS} / 0`, verdict(batchOk)],
      [`${b}: of which timeouts (${UPLOAD_TIMEOUT_MS / 1000} s)`, String(batch.timeouts), '0', verdict(batch.timeouts === 0)],
      [`${b}: seconds p50 / p99`, `${batch.p50.toFixed(2)} / ${batch.p99.toFixed(2)} s`, '-', '-'],
      [`${b}: wall time, all ${UPLOADS}`, `${batch.wall.toFixed(2)} s`, '-', '-'],
      ['server RSS: start / after GET / after batch', `${mb(before.rssMb)} / ${mb(afterHttp.rssMb)} / ${mb(after.rssMb)}`, '-', '-'],
      ['server peak RSS (VmHWM)', mb(after.peakMb), '-', '-'],
    );
    benchResult({
      figure: `load: GET ${PREDICT_PATH} errors + timeouts + non-2xx`,
      value: http.errors + http.timeouts + http.non2xx,
      unit: '',
      target: '0',
      pass: httpOk,
    });
    benchResult({
      figure: `load: GET ${PREDICT_PATH} requests/s at ${args.connections} connections`,
      value: http.requests.average,
      unit: 'req/s',
      target: 'info',
      pass: httpOk,
    });
    benchResult({
      figure: `load: GET ${PREDICT_PATH} p99 latency at ${args.connections} connections`,
      value: http.latency.p99,
      unit: 'ms',
      target: 'info',
      pass: httpOk,
    });
    benchResult({
      figure: `load: ${UPLOADS} concurrent batch uploads, failures`,
      value: batch.failures,
      unit: '',
      target: '0',
      pass: batchOk,
    });
    benchResult({
      figure: `load: ${UPLOADS} concurrent batch uploads, p99`,
      value: batch.p99,
      unit: 's',
      target: `< ${UPLOAD_TIMEOUT_MS / 1000} s`,
      pass: batchOk,
    });
    benchResult({
      figure: 'load: server peak RSS',
      value: after.peakMb,
      unit: 'MB',
      reference: before.rssMb,
      referenceLabel: 'MB after start',
      target: 'info',
      pass: true,
    });
  } finally {
    if (server !== undefined) await stopChild(server);
    killChildren();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      '',
      table(rows),
      '',
      `node ${process.version}, ${cpu}, ${CORES} cores; ${CAN_PIN ? `server child pinned to core ${CORES - 1}, load generator to core 0` : 'no pinning (one core or no taskset): server and load generator share'}`,
      'server: startServer in a child process, default model, rate limiter off (RATE_LIMIT_PER_MINUTE=0), logger silent, throw-away SQLite',
      `GET: autocannon, pipelining 1, no warm-up; batch: ${UPLOADS} fetch uploads at once, each checked for status 200 and ${int(UPLOAD_ROWS + 1)} lines`,
      `load average (1 min) at start ${loadStart}, at end ${os.loadavg()[0].toFixed(2)} on ${CORES} cores`,
      '',
      'reproduce:',
      '  npm run loadtest',
      `  node tools/dist/bench/load-test.js --connections ${args.connections} --duration ${args.duration}`,
      passed ? 'PASS: no errors or timeouts' : 'FAIL: errors, timeouts or failed uploads (see the met column)',
      '',
    ].join('\n'),
  );
  if (!passed) process.exitCode = 1;
}

if (require.main === module) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killChildren();
      process.exit(130);
    });
  }
  main(process.argv.slice(2)).catch((error: unknown) => {
    killChildren();
    process.stderr.write(`load-test failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
