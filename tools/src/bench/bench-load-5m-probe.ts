/**
 * Why was the loader's MariaDB load-data path measured slower than one
 * LOAD DATA at 5,000,000 rows (1.71x) when it is within 1.1x at 1,000,000?
 * An experiment, not a pass/fail benchmark (findings: docs/benchmarks.md,
 * "MariaDB at 5,000,000 rows"). It loads the same pre-cleaned file into a
 * fresh, migrated table in several ways, one after another in the order
 * given, and for each load records what the server and the machine did:
 *
 *   ref        one LOAD DATA LOCAL INFILE … REPLACE of the whole file (bench-load's reference)
 *   ref@N      the same file cut into pieces of N rows, one LOAD DATA per
 *              piece, each in its own transaction (what ours does, minus our parsing)
 *   ours       loadCsv on the load-data path as shipped (answers not computed)
 *   ours@N     loadCsv with N rows per LOAD DATA statement / transaction
 *   …:nice     the loader (or the reference's client) at nice 19, so the
 *              server wins every fight for a core
 *
 * Per load: seconds (as the loader or the reference times itself), CPU
 * seconds of the client process, CPU seconds of mariadbd and the time its
 * threads spent runnable but waiting for a core
 * (/proc/<pid>/task/*\/schedstat), the machine's idle share, the deltas of
 * InnoDB's counters (pages read from disk, pages flushed, bytes written,
 * redo written, bulk-insert operations), and a timeline every --sample
 * seconds. Before each load the probe waits (at most --settle seconds) while
 * the previous load's dirty pages are still being written, so no load pays
 * for the one before it; the dirty pages found at the start are printed.
 *
 *   MYSQL_URL=mysql://root@127.0.0.1:3306/test node tools/dist/bench/bench-load-5m-probe.js \
 *     --rows 5000000 --dir /work/tmp-5m --variants ours,ref,ours@5000000,ref@250000 [--server-pid PID]
 *
 * The server must be local (mariadbd's /proc entry is read; --server-pid
 * names it when several run). The buffer pool is set to --pool bytes
 * (default 1 GiB) for the run and restored, as bench-load does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { migrate, openDatabase, type Database } from 'loader';
import { writePostingsFile } from '../generator/generate-postings';
import type { LoadRunResult } from './load-runner';
import { makeLog, positive, table } from './report';
import { ChildRunner } from './child-runner';

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const BENCH_DATABASE = 'rxd_bench_probe';
const SEED = 20210201;
const log = makeLog('load-probe');

interface Variant {
  name: string;
  side: 'ref' | 'ours';
  /** Rows per statement and transaction; null = as shipped (ours) or one statement (ref). */
  statementRows: number | null;
  nice: boolean;
}

function parseVariant(text: string): Variant {
  const m = /^(ref|ours)(?:@(\d+))?(:nice)?$/.exec(text);
  if (!m) throw new Error(`a variant is ref|ours, optionally @ROWS and :nice; got ${text}`);
  return { name: text, side: m[1] as 'ref' | 'ours', statementRows: m[2] ? positive('variant rows', m[2], 1) : null, nice: !!m[3] };
}

// --- What the server and the machine did ----------------------------------

const COUNTERS = [
  'Innodb_buffer_pool_reads',
  'Innodb_buffer_pool_pages_flushed',
  'Innodb_buffer_pool_wait_free',
  'Innodb_data_written',
  'Innodb_os_log_written',
  'Innodb_log_waits',
  'Innodb_bulk_operations',
  'Handler_write',
  'Handler_delete',
] as const;

interface Snapshot {
  at: bigint;
  status: Map<string, number>;
  /** mariadbd user + system CPU, seconds. */
  serverCpu: number;
  /** Per thread of mariadbd: nanoseconds spent runnable, waiting for a core. */
  serverWait: Map<string, number>;
  /** Machine-wide jiffies: [total, idle + iowait, iowait]. */
  machine: [number, number, number];
  /** /proc/pressure/cpu "some" total, microseconds (0 without PSI). */
  cpuPressure: number;
}

const CLOCK_TICKS = 100;

function findServerPid(): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

function serverCpu(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function serverWait(pid: number): Map<string, number> {
  const waits = new Map<string, number>();
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const [, wait] = fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(' ');
      waits.set(task, Number(wait));
    } catch {
      // The thread ended while we looked.
    }
  }
  return waits;
}

function machineJiffies(): [number, number, number] {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return [total, n[3] + n[4], n[4]];
}

function cpuPressure(): number {
  try {
    const some = fs.readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return Number(/total=(\d+)/.exec(some)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function status(admin: Database): Promise<Map<string, number>> {
  const [rows] = (await admin.knex.raw('SHOW GLOBAL STATUS')) as [Array<{ Variable_name: string; Value: string }>];
  return new Map(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

async function snapshot(admin: Database, pid: number): Promise<Snapshot> {
  return {
    at: process.hrtime.bigint(),
    status: await status(admin),
    serverCpu: serverCpu(pid),
    serverWait: serverWait(pid),
    machine: machineJiffies(),
    cpuPressure: cpuPressure(),
  };
}

interface Observation {
  variant: string;
  wall: number;
  clientSeconds: number;
  clientCpu: number;
  serverCpu: number;
  serverWait: number;
  machineIdle: number;
  machineIowait: number;
  cpuPressure: number;
  dirtyAtStart: number;
  settled: number;
  countSeconds: number;
  load: string;
  counters: Record<string, number>;
  /** Every --sample seconds: rows written, pages read, dirty pages, server CPU %, server waiting for a core %. */
  timeline: string[];
}

/** Samples the server during a load, to see where in the load time goes. */
function sampleTimeline(admin: Database, pid: number, seconds: number): { stop: () => void; samples: Promise<string[]> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  const samples = (async () => {
    const out: string[] = [];
    let last = await snapshot(admin, pid);
    const start = last.at;
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, seconds * 1000);
      });
      if (stopped) break;
      const now = await snapshot(admin, pid);
      const o = observe(last, now);
      out.push(
        `${(Number(now.at - start) / 1e9).toFixed(0)}s: ${o.counters.Handler_write} rows, ${o.counters.Innodb_buffer_pool_reads} reads, ` +
          `${now.status.get('Innodb_buffer_pool_pages_dirty')} dirty, cpu ${((o.serverCpu / o.wall) * 100).toFixed(0)}%, wait ${((o.serverWait / o.wall) * 100).toFixed(0)}%`,
      );
      last = now;
    }
    return out;
  })();
  return { stop, samples };
}

function observe(
  before: Snapshot,
  after: Snapshot,
): Omit<Observation, 'variant' | 'clientSeconds' | 'clientCpu' | 'dirtyAtStart' | 'settled' | 'countSeconds' | 'load' | 'timeline'> {
  let wait = 0;
  for (const [task, ns] of after.serverWait) wait += ns - (before.serverWait.get(task) ?? 0);
  const total = after.machine[0] - before.machine[0];
  const counters: Record<string, number> = {};
  for (const name of COUNTERS) counters[name] = (after.status.get(name) ?? 0) - (before.status.get(name) ?? 0);
  return {
    wall: Number(after.at - before.at) / 1e9,
    serverCpu: after.serverCpu - before.serverCpu,
    serverWait: wait / 1e9,
    machineIdle: (after.machine[1] - before.machine[1]) / total,
    machineIowait: (after.machine[2] - before.machine[2]) / total,
    cpuPressure: (after.cpuPressure - before.cpuPressure) / 1e6,
    counters,
  };
}

// --- Loads ------------------------------------------------------------------

const children = new ChildRunner();

function runChild(args: string[], nice: boolean): Promise<LoadRunResult> {
  return children.load(args, nice ? ['nice', '-n', '19'] : []);
}

/** Cuts the CSV into pieces of `rows` data rows, each starting with the header; reuses pieces already cut. */
async function pieces(file: string, rows: number, dir: string): Promise<string[]> {
  const stem = path.join(dir, `${path.basename(file, '.csv')}.piece-${rows}-`);
  const index = `${stem}index.json`;
  if (fs.existsSync(index)) return JSON.parse(fs.readFileSync(index, 'utf8')) as string[];
  const lines = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  const files: string[] = [];
  let header: string | null = null;
  let out: fs.WriteStream | null = null;
  let inPiece = 0;
  for await (const line of lines) {
    if (header === null) {
      header = line;
      continue;
    }
    if (out === null || inPiece === rows) {
      if (out) await new Promise<void>((resolve) => out!.end(() => resolve()));
      const name = `${stem}${files.length}.csv`;
      files.push(name);
      out = fs.createWriteStream(name);
      out.write(`${header}\n`);
      inPiece = 0;
    }
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out!.once('drain', () => resolve()));
    inPiece++;
  }
  if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
  fs.writeFileSync(index, JSON.stringify(files));
  return files;
}

async function scalar(db: Database, sql: string): Promise<number> {
  const [rows] = (await db.knex.raw(sql)) as [Array<Record<string, unknown>>];
  return Number(Object.values(rows[0] ?? {})[0]);
}

async function freshTable(admin: Database, url: string): Promise<string> {
  await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
  await admin.knex.raw(`CREATE DATABASE \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const u = new URL(url);
  u.pathname = `/${BENCH_DATABASE}`;
  const db = await openDatabase(u.toString());
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return u.toString();
}

/**
 * Waits while the server is still writing the previous load's dirty pages
 * (the count falls between two looks 2 s apart), at most `limit` seconds;
 * returns the seconds waited. An idle server with innodb_max_dirty_pages_pct_lwm=0
 * leaves a few thousand dirty pages alone, so "no longer falling" ends the wait, not zero.
 */
async function settle(admin: Database, limit: number): Promise<number> {
  const started = Date.now();
  let last = Infinity;
  while (!children.stopped && (Date.now() - started) / 1000 < limit) {
    const dirty = (await status(admin)).get('Innodb_buffer_pool_pages_dirty') ?? 0;
    if (dirty >= last) break;
    last = dirty;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      rows: { type: 'string', default: '5000000' },
      dir: { type: 'string', default: path.join(os.tmpdir(), 'rxd-load-probe') },
      variants: { type: 'string', default: 'ours,ref,ref@250000,ours@5000000' },
      pool: { type: 'string', default: String(1024 * 1024 * 1024) },
      settle: { type: 'string', default: '300' },
      'server-pid': { type: 'string' },
      sample: { type: 'string', default: '15' },
    },
  });
  const rows = positive('rows', values.rows, 5_000_000);
  const poolBytes = positive('pool', values.pool, 1 << 30);
  const settleLimit = positive('settle', values.settle, 300);
  const sampleSeconds = positive('sample', values.sample, 15);
  const variants = values.variants.split(',').map((v) => parseVariant(v.trim()));
  const url = process.env.MYSQL_URL?.trim() || DEFAULT_MYSQL_URL;
  // Stop the load under way and still restore the buffer pool.
  const onSignal = (): void => children.interrupt();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  fs.mkdirSync(values.dir, { recursive: true });
  const file = path.join(values.dir, `postings-${rows}.csv`);
  if (!fs.existsSync(file)) {
    log(`generating ${rows} pre-cleaned rows into ${file}`);
    await writePostingsFile(file, { rows, seed: SEED, dirty: false });
  }
  const pid = values['server-pid'] ? positive('server-pid', values['server-pid'], 1) : findServerPid();
  if (pid === null) throw new Error('no local mariadbd/mysqld process: the probe reads its /proc entry');

  const admin = await openDatabase(url);
  const original = await scalar(admin, 'SELECT @@innodb_buffer_pool_size');
  const observations: Observation[] = [];
  try {
    if (original !== poolBytes) {
      await admin.knex.raw(`SET GLOBAL innodb_buffer_pool_size = ${poolBytes}`);
      for (let i = 0; i < 240 && (await scalar(admin, 'SELECT @@innodb_buffer_pool_size')) !== poolBytes; i++)
        await new Promise((resolve) => setTimeout(resolve, 500));
      log(`innodb_buffer_pool_size ${original} -> ${poolBytes} for this run`);
    }
    const settings: string[] = [];
    for (const name of [
      'innodb_buffer_pool_size',
      'innodb_log_file_size',
      'innodb_flush_log_at_trx_commit',
      'innodb_io_capacity',
      'unique_checks',
      'foreign_key_checks',
    ])
      settings.push(`${name}=${await scalar(admin, `SELECT @@${name}`).catch(() => NaN)}`);
    console.log(`MariaDB pid ${pid}, ${os.cpus().length} cores; ${settings.join(', ')}`);

    for (const v of variants) {
      const target = await freshTable(admin, url);
      const settled = await settle(admin, settleLimit);
      const dirtyAtStart = (await status(admin)).get('Innodb_buffer_pool_pages_dirty') ?? 0;
      const load = os.loadavg()[0].toFixed(1);
      const args =
        v.side === 'ref'
          ? [
              'mysql-reference',
              '--url',
              target,
              ...(v.statementRows ? await pieces(file, v.statementRows, values.dir) : [file]).flatMap((f) => ['--input', f]),
            ]
          : [
              'ours',
              '--url',
              target,
              '--input',
              file,
              '--write-path',
              'load-data',
              ...(v.statementRows ? ['--rows-per-transaction', String(v.statementRows)] : []),
            ];
      log(`${v.name}: start (waited ${settled.toFixed(0)} s for dirty pages, ${dirtyAtStart} dirty, load ${load})`);
      const before = await snapshot(admin, pid);
      const timeline = sampleTimeline(admin, pid, sampleSeconds);
      const result = await runChild(args, v.nice).finally(() => timeline.stop());
      const after = await snapshot(admin, pid);
      const t = process.hrtime.bigint();
      const count = await scalar(admin, `SELECT COUNT(*) FROM \`${BENCH_DATABASE}\`.postings`);
      const countSeconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (count !== rows) throw new Error(`${v.name} left ${count} rows, expected ${rows}`);
      const o: Observation = {
        variant: v.name,
        clientSeconds: result.seconds,
        clientCpu: result.cpuSeconds,
        dirtyAtStart,
        settled,
        countSeconds,
        load,
        timeline: await timeline.samples,
        ...observe(before, after),
      };
      observations.push(o);
      log(`${v.name}: ${JSON.stringify(o)}`);
    }
  } finally {
    await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``).catch(() => undefined);
    if (original !== poolBytes) {
      await admin.knex
        .raw(`SET GLOBAL innodb_buffer_pool_size = ${original}`)
        .catch((e: Error) => log(`could not restore the pool: ${e.message}`));
      log(`innodb_buffer_pool_size restored to ${original}`);
    }
    await admin.close();
  }

  const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
  const base = observations.find((o) => o.variant === 'ref');
  console.log(
    table([
      [
        'variant',
        'load s',
        'ratio to ref',
        'client CPU s',
        'server CPU s',
        'server waiting for a core s',
        'machine idle',
        'iowait',
        'pages read',
        'pages flushed',
        'MB written',
        'redo MB',
        'bulk ops',
        'COUNT(*) s',
        'dirty at start',
        'load avg',
      ],
      ...observations.map((o) => [
        o.variant,
        o.clientSeconds.toFixed(1),
        base ? (o.clientSeconds / base.clientSeconds).toFixed(2) : '—',
        o.clientCpu.toFixed(1),
        o.serverCpu.toFixed(1),
        o.serverWait.toFixed(1),
        `${(o.machineIdle * 100).toFixed(0)}%`,
        `${(o.machineIowait * 100).toFixed(0)}%`,
        String(o.counters.Innodb_buffer_pool_reads),
        String(o.counters.Innodb_buffer_pool_pages_flushed),
        mb(o.counters.Innodb_data_written),
        mb(o.counters.Innodb_os_log_written),
        String(o.counters.Innodb_bulk_operations),
        o.countSeconds.toFixed(1),
        String(o.dirtyAtStart),
        o.load,
      ]),
    ]),
  );
  console.log(
    `reproduce: MYSQL_URL=${url} node tools/dist/bench/bench-load-5m-probe.js --rows ${rows} --dir ${values.dir} --variants ${values.variants} --pool ${poolBytes} --server-pid ${pid}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench-load-5m-probe: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
