/**
 * How fast loadCsv loads a generated file, against each database's own bulk
 * path on the same data, measured in the same script: `sqlite3 .import` in
 * one transaction on SQLite, `LOAD DATA LOCAL INFILE … REPLACE` on MariaDB.
 * Both sides load the same pre-cleaned file into a fresh table from the same
 * migrations, with the same pragmas / server settings (printed). Ours still
 * parses and validates every row; the references trust the file.
 *
 * Every load runs in its own child process (load-runner.js, or the sqlite3
 * shell), so loads share no heap and "peak RSS" is that child's maxRSS.
 * Targets: ours within 1.2x of the reference, peak RSS under 200 MB, and at
 * 5,000,000 rows no more than 10% above the RSS at 1,000,000. The engine
 * `mysql-insert` loads MariaDB through `--write-path insert` (the path for
 * servers without LOCAL INFILE) against the same LOAD DATA reference, with
 * its own alternating reference runs; its target is 1.5x.
 *
 *   npm run bench:load
 *   node tools/dist/bench/bench-load.js [--rows N] [--runs N] [--engines sqlite,mysql,mysql-insert]
 *        [--skip-5m] [--big-rows N] [--mysql-5m]
 *   MYSQL_URL=mysql://root@127.0.0.1:3306/test selects the server; a database
 *   rxd_bench_load is created for each run and dropped at the end.
 *
 * On MariaDB the run raises innodb_buffer_pool_size to 1 GiB (the 128 MiB
 * default thrashes: a 1M random-uuid load takes minutes) and restores it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SQLITE_LOAD_PRAGMAS, migrate, openDatabase, type Database } from 'loader';
import { writePostingsFile } from '../generator/generate-postings';
import { LOAD_DATA_REFERENCE_SQL, freshSqlite, type LoadRunResult } from './load-runner';
import { benchResult, makeLog, median } from './report';
import { ChildRunner } from './child-runner';

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const BENCH_DATABASE = 'rxd_bench_load';
const BENCH_BUFFER_POOL = 1024 * 1024 * 1024;
const SEED = 20210201;
const RATIO_TARGET = 1.2;
const RSS_TARGET_MB = 200;
const RSS_GROWTH_TARGET = 1.1;
const SQLITE3 = 'sqlite3';

/** `mysql-insert`: the same MariaDB load with `--write-path insert` (multi-row upserts). */
type Engine = 'sqlite' | 'mysql' | 'mysql-insert';
const ENGINES: readonly Engine[] = ['sqlite', 'mysql', 'mysql-insert'];
/** The INSERT path is held to 1.5x the server's own bulk loader (issue 12). */
const RATIO_TARGETS: Record<Engine, number> = { sqlite: RATIO_TARGET, mysql: RATIO_TARGET, 'mysql-insert': 1.5 };
const ENGINE_LABELS: Record<Engine, string> = { sqlite: 'SQLite', mysql: 'MariaDB', 'mysql-insert': 'MariaDB, --write-path insert' };

interface Measurement {
  engine: Engine;
  rows: number;
  ours: LoadRunResult[];
  reference: number[];
  /** Why there is no reference figure, when there is none. */
  referenceMissing?: string;
}

interface BenchArgs {
  rows: number;
  bigRows: number;
  runs: number;
  engines: Engine[];
  skipBig: boolean;
  mysqlBig: boolean;
}

const children = new ChildRunner();

const log = makeLog('bench-load');

function run(command: string, args: string[], stdin?: string): Promise<string> {
  return children.run(command, args, stdin);
}

function runChild(args: string[]): Promise<LoadRunResult> {
  return children.load(args);
}

async function countRows(db: Database): Promise<number> {
  const [row] = await db.knex('postings').count({ n: '*' });
  return Number(row.n);
}

// --- SQLite -----------------------------------------------------------------

async function checkSqliteCount(url: string, expected: number, who: string): Promise<void> {
  const db = await openDatabase(url);
  try {
    const n = await countRows(db);
    if (n !== expected) throw new Error(`${who} left ${n} rows in postings, expected ${expected}`);
  } finally {
    await db.close();
  }
}

function sqliteReferenceScript(csv: string): string {
  return [
    '.bail on',
    ...SQLITE_LOAD_PRAGMAS.map((p) => `PRAGMA ${p};`),
    'BEGIN;',
    `.import --csv --skip 1 '${csv.replace(/'/g, "''")}' postings`,
    'COMMIT;',
    '',
  ].join('\n');
}

function haveSqlite3(): string | null {
  const probe = spawnSync(SQLITE3, ['-version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

async function benchSqlite(dir: string, csv: string, rows: number, runs: number): Promise<Measurement> {
  const file = path.join(dir, 'bench.sqlite');
  const m: Measurement = { engine: 'sqlite', rows, ours: [], reference: [] };
  const sqlite3 = haveSqlite3();
  if (!sqlite3) m.referenceMissing = 'sqlite3 not found: install it with `apt-get install sqlite3`';
  for (let i = 0; i < runs; i++) {
    // Alternate the order, so drift in the machine's load hits both sides.
    const order = i % 2 === 0 ? (['reference', 'ours'] as const) : (['ours', 'reference'] as const);
    for (const side of order) {
      if (side === 'reference') {
        if (!sqlite3) continue;
        const url = await freshSqlite(file);
        const started = process.hrtime.bigint();
        await run(SQLITE3, [file], sqliteReferenceScript(csv));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        await checkSqliteCount(url, rows, 'sqlite3 .import');
        m.reference.push(seconds);
        log(`sqlite ${rows} reference run ${i + 1}: ${seconds.toFixed(2)} s`);
      } else {
        const url = await freshSqlite(file);
        const result = await runChild(['ours', '--url', url, '--input', csv, '--rejects', path.join(dir, 'rejects.csv')]);
        await checkSqliteCount(url, rows, 'loadCsv');
        m.ours.push(result);
        log(`sqlite ${rows} ours run ${i + 1}: ${result.seconds.toFixed(2)} s, peak RSS ${mb(result.maxRssKiB).toFixed(1)} MB`);
      }
    }
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  return m;
}

// --- MariaDB / MySQL --------------------------------------------------------

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function scalar(db: Database, sql: string): Promise<string> {
  const [rows] = (await db.knex.raw(sql)) as [Array<Record<string, unknown>>];
  const value = Object.values(rows[0] ?? {})[0];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

async function freshMysql(admin: Database, url: string): Promise<string> {
  await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
  await admin.knex.raw(`CREATE DATABASE \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const target = withDatabase(url, BENCH_DATABASE);
  const db = await openDatabase(target);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return target;
}

async function checkMysqlCount(admin: Database, expected: number, who: string): Promise<void> {
  const n = Number(await scalar(admin, `SELECT COUNT(*) FROM \`${BENCH_DATABASE}\`.postings`));
  if (n !== expected) throw new Error(`${who} left ${n} rows in postings, expected ${expected}`);
}

async function waitForBufferPoolResize(admin: Database, size: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const current = Number(await scalar(admin, 'SELECT @@innodb_buffer_pool_size'));
    const [rows] = (await admin.knex.raw("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'")) as [Array<{ Value?: string }>];
    const status = rows[0]?.Value ?? '';
    if (current === size && (status === '' || /completed/i.test(status))) return;
    if (Date.now() > deadline) throw new Error(`innodb_buffer_pool_size did not reach ${size} (status: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const MYSQL_SETTINGS = [
  'innodb_buffer_pool_size',
  'innodb_log_file_size',
  'innodb_flush_log_at_trx_commit',
  'innodb_doublewrite',
  'innodb_flush_method',
  'sql_mode',
  'local_infile',
];

async function benchMysql(
  admin: Database,
  url: string,
  csv: string,
  rows: number,
  runs: number,
  engine: 'mysql' | 'mysql-insert',
): Promise<Measurement> {
  const m: Measurement = { engine, rows, ours: [], reference: [] };
  const writePath = engine === 'mysql-insert' ? 'insert' : 'load-data';
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['reference', 'ours'] as const) : (['ours', 'reference'] as const);
    for (const side of order) {
      const target = await freshMysql(admin, url);
      if (side === 'reference') {
        const result = await runChild(['mysql-reference', '--url', target, '--input', csv]);
        await checkMysqlCount(admin, rows, 'LOAD DATA');
        m.reference.push(result.seconds);
        log(`${engine} ${rows} reference run ${i + 1}: ${result.seconds.toFixed(2)} s (load average ${loadAverage()})`);
      } else {
        const result = await runChild([
          'ours',
          '--url',
          target,
          '--input',
          csv,
          '--rejects',
          path.join(path.dirname(csv), 'rejects.csv'),
          '--write-path',
          writePath,
        ]);
        await checkMysqlCount(admin, rows, 'loadCsv');
        m.ours.push(result);
        log(
          `${engine} ${rows} ours run ${i + 1}: ${result.seconds.toFixed(2)} s, peak RSS ${mb(result.maxRssKiB).toFixed(1)} MB (load average ${loadAverage()})`,
        );
      }
    }
  }
  return m;
}

// --- Report -----------------------------------------------------------------

/** The 1-minute load average: a run measured while other work ran is worth less. */
function loadAverage(): string {
  return os.loadavg()[0].toFixed(1);
}

function mb(kib: number): number {
  return (kib * 1024) / 1e6;
}

interface Verdict {
  cells: string[];
  pass: boolean;
}

function verdict(m: Measurement, base: Measurement | undefined): Verdict {
  const ours = median(m.ours.map((r) => r.seconds));
  const rss = Math.max(...m.ours.map((r) => mb(r.maxRssKiB)));
  const ref = m.reference.length > 0 ? median(m.reference) : null;
  const ratio = ref === null ? null : ours / ref;
  const checks: boolean[] = [rss < RSS_TARGET_MB];
  const ratioTarget = RATIO_TARGETS[m.engine];
  const targets = [`<= ${ratioTarget}x ref`, `RSS < ${RSS_TARGET_MB} MB`];
  if (ratio !== null) checks.push(ratio <= ratioTarget);
  let growth = '';
  if (base && base !== m) {
    const baseRss = Math.max(...base.ours.map((r) => mb(r.maxRssKiB)));
    const g = rss / baseRss;
    checks.push(g <= RSS_GROWTH_TARGET);
    targets.push(`RSS <= ${RSS_GROWTH_TARGET}x at ${base.rows}`);
    growth = ` (${g.toFixed(2)}x)`;
  }
  const pass = checks.every(Boolean) && ratio !== null;
  // Headline figure for `npm run bench`'s summary table.
  benchResult({
    figure: `load ${m.rows} rows, ${ENGINE_LABELS[m.engine]} (peak RSS ${rss.toFixed(1)} MB)`,
    value: ours,
    unit: 's',
    reference: ref ?? undefined,
    referenceLabel: m.engine === 'sqlite' ? 's sqlite3 .import' : 's LOAD DATA LOCAL INFILE',
    ratio: ratio ?? undefined,
    target: targets.join(', '),
    pass,
  });
  return {
    pass,
    cells: [
      ENGINE_LABELS[m.engine],
      String(m.rows),
      ours.toFixed(2),
      Math.round(m.rows / ours).toLocaleString('en-US'),
      rss.toFixed(1) + growth,
      ref === null ? 'n/a' : ref.toFixed(2),
      ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`,
      targets.join(', '),
      ratio === null ? 'no reference' : pass ? 'pass' : 'FAIL',
    ],
  };
}

function printTable(measurements: Measurement[], runs: number): boolean {
  const header = ['engine', 'rows', 'ours s', 'ours rows/s', 'ours peak RSS MB', 'reference s', 'ours/reference', 'target', 'result'];
  let allPass = true;
  const lines = measurements.map((m) => {
    const base = measurements.find((b) => b.engine === m.engine && b.rows < m.rows);
    const v = verdict(m, base);
    allPass &&= v.pass;
    return v.cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(
    `\nLoad benchmark: seconds are medians of ${runs} runs (1 run at the larger size, 2 alternating on MariaDB); peak RSS is the largest of ours`,
  );
  console.log(row(header));
  console.log(row(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(row(l));
  for (const m of measurements) if (m.referenceMissing) console.log(`note: ${m.engine}: ${m.referenceMissing}`);
  return allPass;
}

// --- Main -------------------------------------------------------------------

function parseBenchArgs(): BenchArgs {
  const { values } = parseArgs({
    strict: true,
    options: {
      rows: { type: 'string', default: '1000000' },
      'big-rows': { type: 'string', default: '5000000' },
      runs: { type: 'string', default: '3' },
      engines: { type: 'string', default: ENGINES.join(',') },
      'skip-5m': { type: 'boolean', default: false },
      'mysql-5m': { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive whole number, got ${value}`);
    return n;
  };
  const engines = values.engines
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const e of engines)
    if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`--engines takes some of ${ENGINES.join(', ')}, got ${e}`);
  return {
    rows: positive('rows', values.rows),
    bigRows: positive('big-rows', values['big-rows']),
    runs: positive('runs', values.runs),
    engines: engines as Engine[],
    skipBig: values['skip-5m'],
    mysqlBig: values['mysql-5m'],
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const bench = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-bench-load-'));
  const mysqlUrl = process.env.MYSQL_URL?.trim() || DEFAULT_MYSQL_URL;
  const measurements: Measurement[] = [];
  const onSignal = (): void => children.interrupt();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  try {
    const sizes = [args.rows, ...(args.skipBig || args.bigRows <= args.rows ? [] : [args.bigRows])];
    const files = new Map<number, string>();
    for (const rows of sizes) {
      const file = path.join(bench, `postings-${rows}.csv`);
      const t = Date.now();
      await writePostingsFile(file, { rows, seed: SEED, dirty: false });
      files.set(rows, file);
      log(
        `generated ${rows} pre-cleaned rows (${(fs.statSync(file).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }

    if (args.engines.includes('sqlite')) {
      const version = haveSqlite3();
      console.log(
        `SQLite: better-sqlite3 for ours, ${version ? `sqlite3 ${version.split(' ')[0]}` : 'no sqlite3 shell'} for the reference`,
      );
      console.log(`  pragmas (both sides): ${SQLITE_LOAD_PRAGMAS.join('; ')}`);
      console.log(`  reference: sqlite3 FILE <<< "PRAGMA …; BEGIN; .import --csv --skip 1 postings.csv postings; COMMIT;"`);
      console.log("  (.import stores empty cells as '' where ours stores NULL; it cannot write NULL)");
      for (const rows of sizes) {
        measurements.push(await benchSqlite(bench, files.get(rows)!, rows, rows === args.rows ? args.runs : 1));
      }
    }

    const mysqlEngines = args.engines.filter((e): e is 'mysql' | 'mysql-insert' => e !== 'sqlite');
    if (mysqlEngines.length > 0) {
      let admin: Database | null = null;
      try {
        admin = await openDatabase(mysqlUrl);
      } catch (error) {
        console.log(`MariaDB/MySQL skipped: ${(error as Error).message}`);
      }
      if (admin) {
        const original = Number(await scalar(admin, 'SELECT @@innodb_buffer_pool_size'));
        try {
          if (original < BENCH_BUFFER_POOL) {
            await admin.knex.raw(`SET GLOBAL innodb_buffer_pool_size = ${BENCH_BUFFER_POOL}`);
            await waitForBufferPoolResize(admin, BENCH_BUFFER_POOL);
            console.log(
              `MariaDB: raised innodb_buffer_pool_size from ${original} to ${BENCH_BUFFER_POOL} for this run (restored at the end)`,
            );
          }
          const settings = [];
          for (const name of MYSQL_SETTINGS) settings.push(`${name}=${await scalar(admin, `SELECT @@${name}`)}`);
          console.log(
            `MariaDB ${await scalar(admin, 'SELECT VERSION()')} at ${admin.description}; server settings (both sides): ${settings.join(', ')}`,
          );
          console.log(`  reference: ${LOAD_DATA_REFERENCE_SQL}`);
          console.log(
            "  ours (mysql): LOAD DATA LOCAL INFILE … REPLACE from the loader's validated TSV stream, one transaction per 250,000 rows",
          );
          console.log(
            '  ours (mysql-insert): --write-path insert, multi-row INSERT … ON DUPLICATE KEY UPDATE of ~1 MiB, one transaction each',
          );
          for (const engine of mysqlEngines) {
            for (const rows of sizes) {
              if (rows !== args.rows && !args.mysqlBig) {
                console.log(
                  `${ENGINE_LABELS[engine]} at ${rows} rows skipped (add --mysql-5m; it outgrows the 1 GiB buffer pool and takes long)`,
                );
                continue;
              }
              // Two rounds in alternating order even at the big size: one
              // pair on a shared machine measured 1.71x where quiet rounds
              // measured 0.99x (docs/benchmarks.md, MariaDB at 5M rows).
              const runs = rows === args.rows ? args.runs : Math.min(args.runs, 2);
              measurements.push(await benchMysql(admin, mysqlUrl, files.get(rows)!, rows, runs, engine));
            }
          }
        } finally {
          await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``).catch(() => undefined);
          if (original < BENCH_BUFFER_POOL) {
            await admin.knex
              .raw(`SET GLOBAL innodb_buffer_pool_size = ${original}`)
              .catch((e: Error) => log(`could not restore innodb_buffer_pool_size: ${e.message}`));
            log(`restored innodb_buffer_pool_size to ${original}`);
          }
          await admin.close();
        }
      }
    }
  } finally {
    fs.rmSync(bench, { recursive: true, force: true });
  }

  const allPass = printTable(measurements, args.runs);
  console.log(
    `\nwhole bench: ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('reproduce:');
  console.log('  npm run bench:load');
  console.log(
    `  MYSQL_URL=${DEFAULT_MYSQL_URL} node tools/dist/bench/bench-load.js --rows ${args.rows} --runs ${args.runs} ` +
      `--engines ${args.engines.join(',')}${args.skipBig ? ' --skip-5m' : ` --big-rows ${args.bigRows}`}${args.mysqlBig ? ' --mysql-5m' : ''}`,
  );
  console.log(allPass ? 'all targets met' : 'some targets NOT met (see result column)');
}

main().catch((error: unknown) => {
  console.error(`bench-load: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
