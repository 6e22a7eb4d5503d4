/**
 * GET /predict as shipped, against the Flask peer and a bare Fastify route,
 * measured in the same run with the same load generator:
 *
 * - ours: `node packages/server/dist/server.js`, started the way `npm start`
 *   and the image start it, production defaults on (WEB_CONCURRENCY unset =
 *   one worker per core, security headers, request ids, metrics, the rate
 *   limiter, the access log at info into a file, at most 1,000 successful
 *   requests' lines a second per worker plus a count of the rest). Only the
 *   rate limit is raised out of reach (1e9 a minute): at the default 6,000
 *   a minute from one client the run would measure 429s; the limiter's cost
 *   stays in.
 * - ours, every request logged: the same with ACCESS_LOG_MAX_PER_SECOND=0,
 *   a line per request, for what the cap is worth.
 * - Flask peer: a Flask app on gunicorn with 2 sync workers (the peer's
 *   setup), whose route parses x and returns the same JSON shape. It stands
 *   in for the original peer, which is not in this repository; it does less
 *   work per request than ours (no model checks, headers, ids, metrics or
 *   log line). Needs `python3 -c 'import flask'` and `python3 -m gunicorn`
 *   (Debian: `apt-get install gunicorn`; set PYTHONPATH if flask and
 *   gunicorn live in different Pythons). Without them the row says so and
 *   the ratio is taken against the issue's figure, 8,608 req/s, marked as
 *   not measured here.
 * - bare Fastify: one process, logger off, one route returning a constant
 *   body of the same shape: what a Node process does with no work at all.
 *
 * Memory: a fresh `ours`, then `--batch-uploads` uploads (default 4) of a
 *   `--batch-rows` one-column CSV (default 1,000,000; 0 skips) to POST
 *   /batch_prediction with curl, each answer checked row by row; the peak
 *   RSS (VmHWM) of the primary and of every worker against its own RSS
 *   when idle. Target: every process under 150 MB (decimal megabytes).
 *   New connections are dealt to the workers in turn, so each worker
 *   answers some of the uploads.
 *
 * Load: wrk, 1 thread, 64 connections (`apt-get install wrk`); autocannon
 * when wrk is missing. Each target is warmed up, then the targets take
 * turns in rounds whose order alternates; figures are medians, ratios are
 * medians of each round's own ratios. Nothing is pinned: using more cores is
 * what WEB_CONCURRENCY is for. On a shared machine other processes take CPU
 * from every target; the ratios, not the absolute figures, are the result.
 *
 *   npm run bench:predict
 *   node tools/dist/bench/bench-predict.js [--duration 5] [--warmup 2] [--rounds 3] [--connections 64]
 *        [--batch-rows 1000000] [--batch-uploads 4]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { DEFAULT_MODEL_PATH, loadModel } from '@realxdeal/model/node';
import { checkAnswer, curlUpload, writeCsv } from './batch-files';
import { HOST, cannon, freePort, killChildren, memoryBytes } from './server-children';
import { benchResult, makeLog, median, positive, table } from './report';

const ROOT = path.join(__dirname, '..', '..', '..');
const SERVER_JS = path.join(ROOT, 'packages', 'server', 'dist', 'server.js');
const PREDICT_PATH = '/predict?x=2';
const FLASK_ISSUE_RPS = 8608;
const RATIO_TARGET = 5;
const RATE_LIMIT_OUT_OF_REACH = '1000000000';
const START_TIMEOUT_MS = 60_000;
const RSS_TARGET_MB = 150;
const BODY = { x: 2, prediction: 60.17183394231731, extrapolated: false, model: { name: 'apartment-rent-price', version: '1.0.0' } };

const FLASK_APP = `from flask import Flask, Response, jsonify, request

app = Flask(__name__)


@app.get("/predict")
def predict():
    x = float(request.args["x"])
    return jsonify(x=x, prediction=29.9 * x + 0.37, extrapolated=False, model={"name": "apartment-rent-price", "version": "1.0.0"})


@app.post("/batch_prediction")
def batch_prediction():
    lines = request.files["file"].read().decode("utf-8").split("\\n")
    out = ["x,prediction,error"]
    for text in lines[1:]:
        if text == "":
            continue
        try:
            out.append(f"{text},{29.9 * float(text) + 0.37},")
        except ValueError:
            out.append(f"{text},,not a number")
    return Response("\\n".join(out) + "\\n", mimetype="text/csv")
`;
const BATCH_RATIO_TARGET = 0.5;

const log = makeLog('bench-predict');

interface Target {
  name: 'ours' | 'ours-all' | 'flask' | 'bare';
  url: string;
  child: ChildProcess;
}

interface Round {
  rps: number;
  p99Ms: number;
  non2xx: number;
}

async function waitUntilServing(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before serving`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not serve ${url} within ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function haveFlask(): string | null {
  const flask = spawnSync('python3', ['-c', 'import flask'], { stdio: 'ignore' });
  if (flask.status !== 0) return 'python3 cannot import flask';
  const gunicorn = spawnSync('python3', ['-m', 'gunicorn', '--version'], { stdio: 'ignore' });
  if (gunicorn.status !== 0) return 'python3 -m gunicorn is not available (apt-get install gunicorn; PYTHONPATH if it is another Python)';
  return null;
}

const haveWrk = (): boolean => spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

async function startOurs(dir: string, logName = 'ours.log', extra: NodeJS.ProcessEnv = {}): Promise<Target> {
  const port = await freePort();
  const logFile = fs.openSync(path.join(dir, logName), 'w');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST,
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`,
    RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OUT_OF_REACH,
    ...extra,
  };
  if (process.env.WEB_CONCURRENCY) env.WEB_CONCURRENCY = process.env.WEB_CONCURRENCY;
  const child = spawn(process.execPath, [SERVER_JS], { env, stdio: ['ignore', logFile, 'inherit'] });
  const url = `http://${HOST}:${port}${PREDICT_PATH}`;
  await waitUntilServing(url, child, 'our server');
  return { name: extra.ACCESS_LOG_MAX_PER_SECOND === '0' ? 'ours-all' : 'ours', url, child };
}

/** Lines of the access log, and requests the per-second cap counted instead of logging. */
function accessLogOf(file: string): { lines: number; counted: number } {
  let lines = 0;
  let counted = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.includes('"request completed"')) lines++;
    else if (line.includes('"notLogged"')) counted += (JSON.parse(line) as { notLogged: number }).notLogged;
  }
  return { lines, counted };
}

async function startFlask(dir: string): Promise<Target> {
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'flask_peer.py'), FLASK_APP);
  const child = spawn('python3', ['-m', 'gunicorn', '-w', '2', '-b', `${HOST}:${port}`, '--chdir', dir, 'flask_peer:app'], {
    stdio: 'ignore',
  });
  const url = `http://${HOST}:${port}${PREDICT_PATH}`;
  await waitUntilServing(url, child, 'the Flask peer');
  return { name: 'flask', url, child };
}

async function startBare(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [__filename, '--role', 'bare', '--port', String(port)], { stdio: 'ignore' });
  const url = `http://${HOST}:${port}${PREDICT_PATH}`;
  await waitUntilServing(url, child, 'bare Fastify');
  return { name: 'bare', url, child };
}

function runWrk(url: string, connections: number, seconds: number): Round {
  const out = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
  });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out.stdout);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out.stdout);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out.stdout);
  if (!rps || !p99) throw new Error(`could not read wrk's output:\n${out.stdout}`);
  const scale = p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1;
  return { rps: Number(rps[1]), p99Ms: Number(p99[1]) * scale, non2xx: non2xx ? Number(non2xx[1]) : 0 };
}

async function measure(url: string, connections: number, seconds: number, wrk: boolean): Promise<Round> {
  if (wrk) return runWrk(url, connections, seconds);
  const result = await cannon(url, connections, seconds);
  return { rps: result.requests.total / seconds, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** VmRSS (now) and VmHWM (peak so far) of a process, in decimal megabytes. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const { rss, peak } = memoryBytes(pid);
  return { rss: rss / 1e6, peak: peak / 1e6 };
}

function childPids(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

interface ProcessMemory {
  role: string;
  idleMb: number;
  peakMb: number;
}

interface BatchResult {
  memory: ProcessMemory[];
  oursSeconds: number[];
  /** Empty without a Flask peer. */
  flaskSeconds: number[];
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) {
    for (const byte of chunk as Buffer) if (byte === 0x0a) lines++;
  }
  return lines;
}

/**
 * A fresh server as shipped, every worker up, then `uploads` batch uploads
 * of `rows` values, each answer checked: each process's peak against its
 * own idle RSS. With a Flask peer, the same uploads to it in turn (wall
 * seconds of each, its answer's line count checked).
 */
async function measureBatch(dir: string, rows: number, uploads: number, withFlask: boolean): Promise<BatchResult> {
  const input = path.join(dir, `x-${rows}.csv`);
  const output = path.join(dir, 'answer.csv');
  await writeCsv(input, rows);
  const model = loadModel(DEFAULT_MODEL_PATH);
  const ours = await startOurs(dir, 'ours-batch.log');
  const flask = withFlask ? await startFlask(dir) : null;
  const oursSeconds: number[] = [];
  const flaskSeconds: number[] = [];
  try {
    const primary = ours.child.pid!;
    const expected = Number(process.env.WEB_CONCURRENCY ?? os.availableParallelism());
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (expected > 1 && childPids(primary).length < expected) {
      if (Date.now() > deadline) throw new Error(`only ${childPids(primary).length} of ${expected} workers started`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Let every worker finish starting before its idle figure is read.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const pids = expected > 1 ? [primary, ...childPids(primary)] : [primary];
    const idle = pids.map((pid) => memoryMb(pid).rss);
    const uploadTo = async (target: Target, i: number): Promise<void> => {
      const result = await curlUpload(target.url.replace(PREDICT_PATH, '/batch_prediction'), input, output);
      if (result.status !== 200) throw new Error(`${target.name}: upload ${i + 1} answered ${result.status}`);
      if (target.name === 'ours') await checkAnswer(output, rows, model);
      else if ((await countLines(output)) !== rows + 1) throw new Error(`${target.name}: upload ${i + 1} answered a short file`);
      (target.name === 'ours' ? oursSeconds : flaskSeconds).push(result.wall);
      log(`${target.name}: upload ${i + 1} of ${int(rows)} rows: 200 in ${result.wall.toFixed(2)} s, answer checked`);
    };
    for (let i = 0; i < uploads; i++) {
      const order = flask === null ? [ours] : i % 2 === 0 ? [ours, flask] : [flask, ours];
      for (const target of order) await uploadTo(target, i);
    }
    const memory = pids.map((pid, i) => ({
      role: expected > 1 ? (i === 0 ? 'primary' : `worker ${i}`) : 'server (one process)',
      idleMb: idle[i],
      peakMb: memoryMb(pid).peak,
    }));
    return { memory, oursSeconds, flaskSeconds };
  } finally {
    for (const target of flask === null ? [ours] : [ours, flask]) {
      target.child.kill('SIGTERM');
      await once(target.child, 'exit');
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      role: { type: 'string' },
      port: { type: 'string' },
      'batch-rows': { type: 'string' },
      'batch-uploads': { type: 'string' },
    },
  });
  if (values.role === 'bare') {
    const app = Fastify({ logger: false });
    app.get('/predict', async () => BODY);
    await app.listen({ port: Number(values.port), host: HOST });
    return;
  }
  const duration = positive('duration', values.duration, 5);
  const warmup = positive('warmup', values.warmup, 2);
  const rounds = positive('rounds', values.rounds, 3);
  const connections = positive('connections', values.connections, 64);
  const batchRows = values['batch-rows'] === '0' ? 0 : positive('batch-rows', values['batch-rows'], 1_000_000);
  const batchUploads = positive('batch-uploads', values['batch-uploads'], 4);
  if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run npm run build first`);
  const wrk = haveWrk();
  if (!wrk) log('wrk not found (apt-get install wrk): using autocannon, which needs a core of its own');
  const flaskMissing = haveFlask();
  if (flaskMissing) log(`no Flask peer: ${flaskMissing}; its ratio uses the issue's ${FLASK_ISSUE_RPS} req/s, not measured here`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-bench-predict-'));
  const targets: Target[] = [];
  try {
    targets.push(await startOurs(dir));
    targets.push(await startOurs(dir, 'ours-all.log', { ACCESS_LOG_MAX_PER_SECOND: '0' }));
    targets.push(await startBare());
    if (!flaskMissing) targets.push(await startFlask(dir));
    for (const t of targets) {
      log(`warm-up ${t.name} ${warmup} s`);
      await measure(t.url, connections, warmup, wrk);
    }
    const results = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const round = await measure(t.url, connections, duration, wrk);
        if (round.non2xx > 0) throw new Error(`${t.name} answered ${round.non2xx} requests with a non-2xx status`);
        results.get(t.name)!.push(round);
        log(`round ${r + 1} ${t.name}: ${int(round.rps)} req/s, p99 ${round.p99Ms.toFixed(1)} ms`);
      }
    }
    const ours = results.get('ours')!;
    const perRound = (name: string): number[] => ours.map((o, i) => o.rps / results.get(name)![i].rps);
    const vsBare = median(perRound('bare'));
    const vsFlask = flaskMissing ? median(ours.map((o) => o.rps)) / FLASK_ISSUE_RPS : median(perRound('flask'));
    // Give the workers' batched log lines and per-second counts time to reach the files.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const accessLog = accessLogOf(path.join(dir, 'ours.log'));
    const accessLogAll = accessLogOf(path.join(dir, 'ours-all.log'));

    const rows = [['server', 'req/s (median)', 'p99 ms (median)', 'ours / this']];
    const label = {
      ours: `ours, as shipped (WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY ?? `unset = ${os.availableParallelism()}`})`,
      'ours-all': 'ours, every request logged (ACCESS_LOG_MAX_PER_SECOND=0)',
      bare: 'bare Fastify, 1 process',
      flask: 'Flask + gunicorn, 2 workers',
    };
    for (const t of targets) {
      const rs = results.get(t.name)!;
      const ratio = t.name === 'ours' ? '1' : `${median(perRound(t.name)).toFixed(2)}x`;
      rows.push([label[t.name], int(median(rs.map((x) => x.rps))), median(rs.map((x) => x.p99Ms)).toFixed(1), ratio]);
    }
    if (flaskMissing)
      rows.push([`Flask + gunicorn, 2 workers (issue's figure, not measured here)`, int(FLASK_ISSUE_RPS), 'n/a', `${vsFlask.toFixed(2)}x`]);
    console.log(
      `\nGET ${PREDICT_PATH}: ${wrk ? 'wrk -t1' : 'autocannon'} -c${connections}, ${warmup} s warm-up each, ${rounds} alternating rounds of ${duration} s; load average at the end ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
    );
    console.log(table(rows));
    console.log(
      `access log of ours as shipped: ${int(accessLog.lines)} lines, ${int(accessLog.counted)} more requests counted in per-second lines; ` +
        `every request logged: ${int(accessLogAll.lines)} lines`,
    );
    benchResult({
      figure: `GET /predict as shipped vs Flask peer${flaskMissing ? " (issue's figure)" : ''}`,
      value: median(ours.map((o) => o.rps)),
      unit: 'req/s',
      reference: flaskMissing ? FLASK_ISSUE_RPS : median(results.get('flask')!.map((x) => x.rps)),
      referenceLabel: 'req/s Flask + gunicorn (2 workers)',
      ratio: vsFlask,
      target: `>= ${RATIO_TARGET}x`,
      pass: vsFlask >= RATIO_TARGET,
    });
    benchResult({
      figure: 'GET /predict, every request logged (ACCESS_LOG_MAX_PER_SECOND=0) vs Flask peer',
      value: median(results.get('ours-all')!.map((o) => o.rps)),
      unit: 'req/s',
      reference: flaskMissing ? FLASK_ISSUE_RPS : median(results.get('flask')!.map((x) => x.rps)),
      referenceLabel: 'req/s Flask + gunicorn (2 workers)',
      ratio: flaskMissing
        ? median(results.get('ours-all')!.map((o) => o.rps)) / FLASK_ISSUE_RPS
        : median(results.get('ours-all')!.map((o, i) => o.rps / results.get('flask')![i].rps)),
    });
    benchResult({
      figure: 'GET /predict as shipped vs bare Fastify (1 process)',
      value: median(ours.map((o) => o.rps)),
      unit: 'req/s',
      reference: median(results.get('bare')!.map((x) => x.rps)),
      referenceLabel: 'req/s bare Fastify',
      ratio: vsBare,
    });
    for (const t of targets) t.child.kill('SIGTERM');

    if (batchRows > 0) {
      log(`memory: ${batchUploads} uploads of ${int(batchRows)} rows to a fresh server`);
      const { memory, oursSeconds, flaskSeconds } = await measureBatch(dir, batchRows, batchUploads, flaskMissing === null);
      const worst = memory.reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
      console.log(`\nPeak RSS (VmHWM, decimal MB) of each process of ours during ${batchUploads} uploads of ${int(batchRows)} values`);
      console.log(
        table([
          ['process', 'idle RSS MB', 'peak RSS MB', 'peak / idle', `< ${RSS_TARGET_MB} MB`],
          ...memory.map((m) => [
            m.role,
            m.idleMb.toFixed(1),
            m.peakMb.toFixed(1),
            (m.peakMb / m.idleMb).toFixed(2),
            m.peakMb < RSS_TARGET_MB ? 'yes' : 'no',
          ]),
        ]),
      );
      benchResult({
        figure: `peak RSS of the largest server process, ${batchUploads} batch uploads of ${int(batchRows)} values`,
        value: worst.peakMb,
        unit: 'MB',
        reference: worst.idleMb,
        referenceLabel: `MB, the same process (${worst.role}) idle`,
        ratio: worst.peakMb / worst.idleMb,
        target: `< ${RSS_TARGET_MB} MB`,
        pass: worst.peakMb < RSS_TARGET_MB,
      });
      if (flaskSeconds.length > 0) {
        const perUpload = oursSeconds.map((o, i) => o / flaskSeconds[i]);
        console.log(
          `\nPOST /batch_prediction, ${int(batchRows)} values, curl -F, wall seconds: ours ${oursSeconds.map((x) => x.toFixed(2)).join(', ')}; ` +
            `Flask peer ${flaskSeconds.map((x) => x.toFixed(2)).join(', ')}; ours / Flask by upload ${perUpload.map((r) => r.toFixed(2)).join(', ')}`,
        );
        benchResult({
          figure: `batch upload of ${int(batchRows)} values vs Flask peer`,
          value: median(oursSeconds),
          unit: 's',
          reference: median(flaskSeconds),
          referenceLabel: 's Flask + gunicorn (2 workers)',
          ratio: median(perUpload),
          target: `<= ${BATCH_RATIO_TARGET}`,
          pass: median(perUpload) <= BATCH_RATIO_TARGET,
        });
      }
    }
  } finally {
    for (const t of targets) t.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    killChildren();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
