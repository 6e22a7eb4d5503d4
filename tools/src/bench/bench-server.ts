/**
 * How fast the server answers, against a bare Fastify measured in the same
 * script with the same settings:
 *
 * - HTTP: autocannon on `GET /predict?x=2` (the real server, started by
 *   startServer) and on a bare Fastify route returning a constant JSON body
 *   of the same shape. Target: requests/s at least 0.8 of bare. Both servers
 *   are up side by side and alternate in rounds, so a change in the
 *   machine's load hits both. Besides requests/s and p99 the table gives
 *   each server's CPU time per request: requests/s of a fast server is
 *   capped by the load generator (one core for autocannon), CPU per request
 *   is not, though it too grows when other processes compete for the core.
 * - Batch: a generated one-column CSV (1,000,000 and 5,000,000 rows) uploaded
 *   with `curl -F file=@…` to POST /batch_prediction, the answer written to a
 *   file and checked row by row. Reference: the same upload to a bare Fastify
 *   route that only reads the body, i.e. the cost of moving the bytes.
 *   Targets: 1M rows in under 0.8 s; the server's peak RSS under 150 MB and
 *   flat (5M within 10 % of 1M).
 * - Analysis (server-analysis.ts): `/analysis` p99 and `/predict` p99 alone
 *   vs while `/analysis` is requested in a loop, at 1M postings on SQLite
 *   and MariaDB. Targets: /analysis p99 < 50 ms; /predict p99 under that
 *   load <= max(2 x alone, 10 ms).
 *
 * Each server runs in its own child process (this file with `--role`), so the
 * load generator shares neither heap nor event loop with it; with two or
 * more cores the server children are pinned to the last core and this
 * process (autocannon, curl) to core 0 (taskset). Both servers have the
 * logger on at level `silent`: startServer always configures pino, so the
 * bare server does too, and neither writes a line per request. Our rate
 * limiter stays on, with a limit (1e9 a minute) the run cannot reach, so its
 * cost is in the figures. Peak RSS is the server child's VmHWM from
 * /proc/<pid>/status, read after its uploads; every size gets a fresh child.
 *
 *   npm run bench:server
 *   node tools/dist/bench/bench-server.js [--duration 10] [--warmup 2] [--connections 64]
 *        [--rounds 3] [--rows 1000000] [--big-rows 5000000] [--runs 3] [--skip-http] [--skip-batch] [--skip-big]
 *        [--skip-analysis] [--analysis-rows 1000000] [--analysis-duration 5] [--analysis-engine sqlite|mysql|both]
 *
 * Traffic goes to 127.0.0.1 only; every wait is bounded in time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { predict, type ModelArtifact } from '@realxdeal/model';
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
  startChild as startServerChild,
  stopChild,
  type Server,
} from './server-children';
import { benchResult, makeLog, median, positive, table } from './report';
import { checkAnswer, curlUpload, writeCsv } from './batch-files';
import { ANALYSIS_P99_TARGET_MS, measureAnalysis, predictTargetMs } from './server-analysis';

/** MariaDB for the /analysis figures: MYSQL_URL, else the local test server. */
const MYSQL_URL = process.env.MYSQL_URL?.trim() || 'mysql://root@127.0.0.1:3306/test';

const PREDICT_PATH = '/predict?x=2';
const RPS_RATIO_TARGET = 0.8;
const BATCH_SECONDS_TARGET = 0.8;
const RSS_TARGET_MB = 150;
const RSS_GROWTH_TARGET = 1.1;
const RATE_LIMIT_OUT_OF_REACH = '1000000000';

const log = makeLog('bench-server');

interface Args {
  duration: number;
  warmup: number;
  connections: number;
  rows: number;
  bigRows: number;
  runs: number;
  rounds: number;
  skipHttp: boolean;
  skipBatch: boolean;
  skipBig: boolean;
  skipAnalysis: boolean;
  analysisRows: number;
  analysisDuration: number;
  analysisEngines: Array<'sqlite' | 'mysql'>;
}

function parseCommandLine(argv: string[]): Args & { role?: string; database?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      database: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rows: { type: 'string' },
      'big-rows': { type: 'string' },
      runs: { type: 'string' },
      rounds: { type: 'string' },
      'skip-http': { type: 'boolean', default: false },
      'skip-batch': { type: 'boolean', default: false },
      'skip-big': { type: 'boolean', default: false },
      'skip-analysis': { type: 'boolean', default: false },
      'analysis-rows': { type: 'string' },
      'analysis-duration': { type: 'string' },
      'analysis-engine': { type: 'string' },
    },
  });
  const engine = values['analysis-engine'] ?? 'both';
  if (!['sqlite', 'mysql', 'both'].includes(engine)) throw new Error(`--analysis-engine must be sqlite, mysql or both, got ${engine}`);
  return {
    role: values.role,
    database: values.database,
    duration: positive('duration', values.duration, 10),
    warmup: positive('warmup', values.warmup, 2),
    connections: positive('connections', values.connections, 64),
    rows: positive('rows', values.rows, 1_000_000),
    bigRows: positive('big-rows', values['big-rows'], 5_000_000),
    runs: positive('runs', values.runs, 3),
    rounds: positive('rounds', values.rounds, 3),
    skipHttp: values['skip-http'] ?? false,
    skipBatch: values['skip-batch'] ?? false,
    skipBig: values['skip-big'] ?? false,
    skipAnalysis: values['skip-analysis'] ?? false,
    analysisRows: positive('analysis-rows', values['analysis-rows'], 1_000_000),
    analysisDuration: positive('analysis-duration', values['analysis-duration'], 5),
    analysisEngines: engine === 'both' ? ['sqlite', 'mysql'] : [engine as 'sqlite' | 'mysql'],
  };
}

// --- The two servers, each run as a child: `--role app` / `--role bare` ------

async function runApp(database: string): Promise<void> {
  const server = await startServer({
    PORT: '0',
    HOST,
    LOG_LEVEL: 'silent',
    DATABASE_URL: database,
    RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OUT_OF_REACH,
    // The dashboard's own tighter limit would answer the /analysis loop with 429s.
    ANALYSIS_RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OUT_OF_REACH,
  });
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  const address = server.app.server.address();
  announce(typeof address === 'object' && address !== null ? address.port : 0);
}

async function runBare(): Promise<void> {
  const model = loadModel(DEFAULT_MODEL_PATH);
  // The body /predict?x=2 answers, computed once: same shape, same size.
  const body = { ...predict(model, 2), model: { name: model.name, version: model.version } };
  const app = Fastify({ logger: { level: 'silent' } });
  app.get('/predict', async () => body);
  // The upload reference: read the multipart body to the end, answer nothing.
  app.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
    payload.on('error', done);
    payload.on('end', () => done(null, null));
    payload.resume();
  });
  app.post('/sink', async () => ({ ok: true }));
  await app.listen({ port: 0, host: HOST });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  const address = app.server.address();
  announce(typeof address === 'object' && address !== null ? address.port : 0);
}

// --- Children: start, pin, stop ----------------------------------------------

type Role = 'bare' | 'app';
const ROLES: readonly Role[] = ['bare', 'app'];
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** A server child: this file with `--role <role>`. */
function startChild(role: Role, extra: string[] = []): Promise<Server> {
  return startServerChild(__filename, role, extra);
}

// --- HTTP -------------------------------------------------------------------

interface HttpFigures {
  rps: number;
  p99: number;
  /** Server CPU (user + system) per request served, in microseconds. */
  cpuUs: number;
}

/** User + system CPU seconds the process has used so far (/proc/<pid>/stat, in clock ticks). */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function checkPredict(role: Role, server: Server, expected: number): Promise<string> {
  const url = `http://${HOST}:${server.port}${PREDICT_PATH}`;
  const answer = (await getJson(url)) as { prediction?: unknown };
  if (answer.prediction !== expected) throw new Error(`${role} answered ${JSON.stringify(answer)}, expected prediction ${expected}`);
  return url;
}

async function cannonRound(role: Role, server: Server, url: string, args: Args): Promise<HttpFigures> {
  const cpuBefore = cpuSecondsOf(server.pid);
  const result = await cannon(url, args.connections, args.duration);
  const cpu = cpuSecondsOf(server.pid) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${role}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const figures = { rps: result.requests.average, p99: result.latency.p99, cpuUs: (cpu * 1e6) / result.requests.total };
  log(`${role}: ${Math.round(figures.rps)} requests/s, p99 ${figures.p99} ms, ${figures.cpuUs.toFixed(1)} µs CPU per request`);
  return figures;
}

interface HttpComparison {
  bare: HttpFigures;
  app: HttpFigures;
  /** Median over rounds of ours / bare requests/s, each round's pair measured back to back. */
  rpsRatio: number;
  /** Median over rounds of bare / ours CPU per request. */
  cpuRatio: number;
}

/**
 * Both servers run side by side (idle while the other is measured), and the
 * rounds alternate which goes first, so a change in the machine's load
 * during the run hits both about equally. Figures are medians over rounds;
 * ratios are the median of each round's own ratio.
 */
async function measureHttp(args: Args, database: string, expected: number): Promise<HttpComparison> {
  const servers: Partial<Record<Role, Server>> = {};
  try {
    servers.bare = await startChild('bare');
    servers.app = await startChild('app', ['--database', database]);
    const urls = {
      bare: await checkPredict('bare', servers.bare, expected),
      app: await checkPredict('app', servers.app, expected),
    };
    for (const role of ROLES) {
      log(`${role}: warm-up ${args.warmup} s`);
      await cannon(urls[role], args.connections, args.warmup);
    }
    const rounds: Record<Role, HttpFigures[]> = { bare: [], app: [] };
    for (let round = 0; round < args.rounds; round++) {
      const order = round % 2 === 0 ? ROLES : [...ROLES].reverse();
      for (const role of order) {
        log(`round ${round + 1}/${args.rounds}, ${role}: ${args.duration} s, ${args.connections} connections`);
        rounds[role].push(await cannonRound(role, servers[role]!, urls[role], args));
      }
    }
    const summary = (list: HttpFigures[]): HttpFigures => ({
      rps: median(list.map((f) => f.rps)),
      p99: median(list.map((f) => f.p99)),
      cpuUs: median(list.map((f) => f.cpuUs)),
    });
    const rpsRatios = rounds.app.map((ours, i) => ours.rps / rounds.bare[i].rps);
    const cpuRatios = rounds.app.map((ours, i) => rounds.bare[i].cpuUs / ours.cpuUs);
    log(`ours/bare requests/s by round: ${rpsRatios.map((r) => r.toFixed(2)).join(', ')}`);
    return { bare: summary(rounds.bare), app: summary(rounds.app), rpsRatio: median(rpsRatios), cpuRatio: median(cpuRatios) };
  } finally {
    for (const server of Object.values(servers)) await stopChild(server);
  }
}

// --- Batch ------------------------------------------------------------------

interface BatchFigures {
  rows: number;
  bytes: number;
  seconds: number;
  sinkSeconds: number;
  startRssMb: number;
  peakRssMb: number;
}

async function measureBatch(dir: string, rows: number, runs: number, database: string, model: ModelArtifact): Promise<BatchFigures> {
  const input = path.join(dir, `x-${rows}.csv`);
  const output = path.join(dir, 'answer.csv');
  log(`writing ${rows.toLocaleString('en-US')} rows to ${input}`);
  const bytes = await writeCsv(input, rows);

  const sink = await startChild('bare');
  const sinkSeconds: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const r = await curlUpload(`http://${HOST}:${sink.port}/sink`, input, output);
      if (r.status !== 200) throw new Error(`the sink answered ${r.status}`);
      sinkSeconds.push(r.wall);
    }
  } finally {
    await stopChild(sink);
  }
  log(`${rows} rows, sink: median ${median(sinkSeconds).toFixed(3)} s`);

  // A fresh server per size, so its VmHWM is this size's peak.
  const app = await startChild('app', ['--database', database]);
  const seconds: number[] = [];
  let startRssMb: number;
  let peakRssMb: number;
  try {
    startRssMb = memoryOf(app.pid).rssMb;
    for (let run = 0; run < runs; run++) {
      fs.rmSync(output, { force: true });
      const r = await curlUpload(`http://${HOST}:${app.port}/batch_prediction`, input, output);
      if (r.status !== 200)
        throw new Error(`POST /batch_prediction answered ${r.status}: ${fs.readFileSync(output, 'utf8').slice(0, 300)}`);
      seconds.push(r.wall);
      log(`${rows} rows, ours run ${run + 1}: ${r.wall.toFixed(3)} s (curl ${r.curl.toFixed(3)} s)`);
    }
    peakRssMb = memoryOf(app.pid).peakMb;
    await checkAnswer(output, rows, model);
    log(`${rows} rows: answer checked, peak RSS ${peakRssMb.toFixed(1)} MB`);
  } finally {
    await stopChild(app);
    fs.rmSync(input, { force: true });
    fs.rmSync(output, { force: true });
  }
  return { rows, bytes, seconds: median(seconds), sinkSeconds: median(sinkSeconds), startRssMb, peakRssMb };
}

// --- Report -----------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'yes' : 'NO');
const millions = (rows: number) => (rows % 1_000_000 === 0 ? `${rows / 1_000_000}M` : rows.toLocaleString('en-US'));

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv);
  if (args.role === 'app') return runApp(args.database ?? '');
  if (args.role === 'bare') return runBare();

  pinSelf();
  const model = loadModel(DEFAULT_MODEL_PATH);
  const loadStart = os.loadavg()[0].toFixed(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realxdeal-bench-server-'));
  const database = `sqlite:${path.join(dir, 'bench.sqlite')}`;
  const rows: string[][] = [['measurement', 'ours', 'reference', 'ratio', 'target', 'met']];
  let failed = false;
  try {
    if (!args.skipHttp) {
      const { bare, app: ours, rpsRatio: ratio, cpuRatio } = await measureHttp(args, database, predict(model, 2).prediction);
      failed ||= ratio < RPS_RATIO_TARGET;
      benchResult({
        figure: `GET ${PREDICT_PATH} requests/s`,
        value: ours.rps,
        unit: 'req/s',
        reference: bare.rps,
        referenceLabel: 'req/s bare Fastify',
        ratio,
        target: `>= ${RPS_RATIO_TARGET} of bare`,
        pass: ratio >= RPS_RATIO_TARGET,
      });
      rows.push(
        [
          `GET ${PREDICT_PATH}: requests/s`,
          int(ours.rps),
          `bare Fastify: ${int(bare.rps)}`,
          ratio.toFixed(2),
          `>= ${RPS_RATIO_TARGET} of bare`,
          verdict(ratio >= RPS_RATIO_TARGET),
        ],
        [
          `GET ${PREDICT_PATH}: p99 latency`,
          `${ours.p99} ms`,
          `bare Fastify: ${bare.p99} ms`,
          (ours.p99 / Math.max(bare.p99, 1e-9)).toFixed(2),
          '-',
          '-',
        ],
        [
          `GET ${PREDICT_PATH}: server CPU per request`,
          `${ours.cpuUs.toFixed(1)} µs`,
          `bare Fastify: ${bare.cpuUs.toFixed(1)} µs`,
          `${cpuRatio.toFixed(2)} (bare/ours)`,
          'info: requests/s ratio if the server were the only limit',
          '-',
        ],
      );
    }
    if (!args.skipBatch) {
      const sizes = args.skipBig ? [args.rows] : [args.rows, args.bigRows];
      const figures: BatchFigures[] = [];
      for (const size of sizes) figures.push(await measureBatch(dir, size, args.runs, database, model));
      for (const f of figures) {
        const label = `POST /batch_prediction ${millions(f.rows)} rows (${(f.bytes / 1e6).toFixed(1)} MB)`;
        const timed = f.rows === args.rows;
        const ok = !timed || f.seconds < BATCH_SECONDS_TARGET;
        failed ||= !ok;
        benchResult({
          figure: `${label}`,
          value: f.seconds,
          unit: 's',
          reference: f.sinkSeconds,
          referenceLabel: 's upload to a bare sink',
          ratio: f.seconds / f.sinkSeconds,
          target: timed ? `< ${BATCH_SECONDS_TARGET} s` : 'info',
          pass: ok,
        });
        rows.push([
          `${label}: seconds`,
          f.seconds.toFixed(3),
          `upload to a bare sink: ${f.sinkSeconds.toFixed(3)}`,
          (f.seconds / f.sinkSeconds).toFixed(1),
          timed ? `< ${BATCH_SECONDS_TARGET} s` : '-',
          timed ? verdict(ok) : '-',
        ]);
      }
      const base = figures[0];
      for (const f of figures) {
        const growth = f.peakRssMb / base.peakRssMb;
        const ok = f.peakRssMb < RSS_TARGET_MB && (f === base || growth <= RSS_GROWTH_TARGET);
        failed ||= !ok;
        benchResult({
          figure: `server peak RSS, ${millions(f.rows)} rows`,
          value: f.peakRssMb,
          unit: 'MB',
          reference: f.startRssMb,
          referenceLabel: 'MB after start',
          target: `< ${RSS_TARGET_MB} MB, flat`,
          pass: ok,
        });
        rows.push([
          `server peak RSS, ${millions(f.rows)} rows`,
          `${f.peakRssMb.toFixed(1)} MB`,
          `after start: ${f.startRssMb.toFixed(1)} MB`,
          f === base ? '-' : `${growth.toFixed(2)} of ${millions(base.rows)}`,
          f === base ? `< ${RSS_TARGET_MB} MB` : `< ${RSS_TARGET_MB} MB, <= ${RSS_GROWTH_TARGET} of ${millions(base.rows)}`,
          verdict(ok),
        ]);
      }
    }
    if (!args.skipAnalysis) {
      for (const engine of args.analysisEngines) {
        const f = await measureAnalysis(__filename, engine, args.analysisRows, args.analysisDuration, MYSQL_URL);
        const where = `${millions(f.rows)} rows, ${engine === 'sqlite' ? 'SQLite' : 'MariaDB'}`;
        const analysisOk = f.analysisP99 < ANALYSIS_P99_TARGET_MS;
        const target = predictTargetMs(f.predictAloneP99);
        const predictOk = f.predictLoadedP99 <= target;
        failed ||= !analysisOk || !predictOk;
        benchResult({
          figure: `GET /analysis p99, ${where}`,
          value: f.analysisP99,
          unit: 'ms',
          target: `< ${ANALYSIS_P99_TARGET_MS} ms`,
          pass: analysisOk,
        });
        benchResult({
          figure: `GET /predict p99 while /analysis loops, ${where}`,
          value: f.predictLoadedP99,
          unit: 'ms',
          reference: f.predictAloneP99,
          referenceLabel: 'ms p99 alone',
          ratio: f.predictLoadedP99 / Math.max(f.predictAloneP99, 1e-9),
          target: `<= max(2x alone, 10 ms) = ${target} ms`,
          pass: predictOk,
        });
        rows.push(
          [
            `GET /analysis p99, ${where}`,
            `${f.analysisP99} ms`,
            `${int(f.analysisRps)} requests/s, 4 connections`,
            '-',
            `< ${ANALYSIS_P99_TARGET_MS} ms`,
            verdict(analysisOk),
          ],
          [
            `GET ${PREDICT_PATH} p99 while /analysis loops, ${where}`,
            `${f.predictLoadedP99} ms`,
            `alone: ${f.predictAloneP99} ms`,
            (f.predictLoadedP99 / Math.max(f.predictAloneP99, 1e-9)).toFixed(2),
            `<= max(2x alone, 10 ms) = ${target} ms`,
            verdict(predictOk),
          ],
        );
      }
    }
  } finally {
    killChildren();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      '',
      table(rows),
      '',
      `node ${process.version}, ${cpu}, ${CORES} cores; ${CAN_PIN ? `server child pinned to core ${CORES - 1}, load generator and curl to core 0` : 'no pinning (one core or no taskset): server and load generator share'}`,
      `both servers: logger on at level silent, one child process each, up side by side; ours with the rate limiter on (limit out of reach)`,
      `autocannon: ${args.connections} connections, pipelining 1, ${args.warmup} s warm-up each, then ${args.rounds} alternating rounds of ${args.duration} s each; medians, ratios = median of the rounds' own ratios`,
      `CPU per request = the server child's user + system time (/proc/<pid>/stat) over the requests it answered; requests/s of a fast server is capped by autocannon's one core, CPU per request is not`,
      `load average (1 min) at start ${loadStart}, at end ${os.loadavg()[0].toFixed(2)} on ${CORES} cores`,
      `batch: median of ${args.runs} curl uploads per size (wall time around curl), fresh server per size; peak RSS = VmHWM of the server child`,
      `analysis: ${millions(args.analysisRows)} generated postings (seed 2021) with stored answers; /analysis alone (4 connections), /predict alone (16), then /predict (16) while 1 connection requests /analysis back to back; ${args.analysisDuration} s each; MariaDB from MYSQL_URL`,
      '',
      'reproduce:',
      '  npm run bench:server',
      `  node tools/dist/bench/bench-server.js --duration ${args.duration} --warmup ${args.warmup} --connections ${args.connections} --rounds ${args.rounds} --rows ${args.rows} --big-rows ${args.bigRows} --runs ${args.runs} --analysis-rows ${args.analysisRows} --analysis-duration ${args.analysisDuration}`,
      failed ? 'some targets NOT met (see the met column)' : 'all targets met',
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  process.once('SIGINT', () => {
    killChildren();
    process.exit(130);
  });
  main(process.argv.slice(2)).catch((error: unknown) => {
    killChildren();
    process.stderr.write(`bench-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
