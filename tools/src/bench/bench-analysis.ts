/**
 * The analysis against the SQL a MySQL user would write for the same
 * questions, on the same generated table, in MariaDB/MySQL and in SQLite.
 * Prints median seconds of several runs and the targets: ours no slower than
 * the plain SQL, and the whole answer set under 2 s on MariaDB at 1M rows.
 * Prints numbers; it asserts nothing.
 *
 *   npm run bench:analysis
 *   node tools/dist/bench/bench-analysis.js --rows 1000000 --runs 3 [--engine mysql|sqlite|both]
 *   MYSQL_URL=mysql://root@127.0.0.1:3306/test selects the server (a database
 *   rxd_bench_analysis is created on it and dropped afterwards).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { answerAll, type AnalysisAnswers } from 'analysis';
import { migrate, openDatabase, type Database } from 'loader';
import { fillGenerated, GENERATED_MONTH as MONTH, tableSizeNote } from './generated-table';
import { benchResult, median } from './report';

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const BENCH_DATABASE = 'rxd_bench_analysis';

// ---------------------------------------------------------------------------
// The plain SQL: what a MySQL user would write for the same questions, one
// query after the other, functions on the column, medians by ORDER BY LIMIT
// per category, the daily change as a self-join of daily counts.

interface PlainSql {
  month: string;
  q1Avg: string;
  q1MedianCount: string;
  q1MedianPick: string;
  q2: string;
  q3: string;
  q4: string;
  q5: string;
  weekday: string;
}

const PLAIN_MYSQL: PlainSql = {
  month: `SELECT DATE_FORMAT(created_at, '%Y-%m') AS m, COUNT(*) AS n FROM postings GROUP BY m ORDER BY n DESC, m LIMIT 1`,
  q1Avg: `SELECT category, SUM(price > 0 AND area > 0) AS postings, AVG(CASE WHEN price > 0 AND area > 0 THEN price / area END) AS avg_ppm2
            FROM postings GROUP BY category ORDER BY category`,
  q1MedianCount: `SELECT COUNT(*) AS n FROM postings WHERE category = ? AND price > 0 AND area > 0`,
  q1MedianPick: `SELECT price / area AS v FROM postings WHERE category = ? AND price > 0 AND area > 0 ORDER BY v LIMIT 2 OFFSET ?`,
  q2: `SELECT category, SUM(status = 'ONLINE') AS online FROM postings GROUP BY category ORDER BY category`,
  q3: `SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings WHERE DATE(created_at) IN (?, ?) GROUP BY d`,
  q4: `SELECT t.d, t.n, y.n AS prev, 100 * (t.n - y.n) / y.n AS change_pct
         FROM (SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings WHERE DATE_FORMAT(created_at, '%Y-%m') = ? GROUP BY d) t
         LEFT JOIN (SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings GROUP BY d) y ON y.d = t.d - INTERVAL 1 DAY
        ORDER BY t.d`,
  q5: `SELECT * FROM (
         SELECT t.d, t.n, y.n AS prev, 100 * (t.n - y.n) / y.n AS change_pct
           FROM (SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings WHERE DATE_FORMAT(created_at, '%Y-%m') = ? GROUP BY d) t
           LEFT JOIN (SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings GROUP BY d) y ON y.d = t.d - INTERVAL 1 DAY) c
        WHERE change_pct < -70 OR change_pct > 200 ORDER BY d`,
  weekday: `SELECT DAYNAME(d) AS weekday, COUNT(*) AS days, AVG(n) AS mean_postings
              FROM (SELECT DATE(created_at) AS d, COUNT(*) AS n FROM postings WHERE DATE_FORMAT(created_at, '%Y-%m') = ? GROUP BY d) t
             GROUP BY WEEKDAY(d), DAYNAME(d) ORDER BY WEEKDAY(d)`,
};

/** The same plain queries in SQLite's spelling. */
const PLAIN_SQLITE: PlainSql = {
  month: `SELECT substr(created_at, 1, 7) AS m, COUNT(*) AS n FROM postings GROUP BY m ORDER BY n DESC, m LIMIT 1`,
  q1Avg: PLAIN_MYSQL.q1Avg,
  q1MedianCount: PLAIN_MYSQL.q1MedianCount,
  q1MedianPick: PLAIN_MYSQL.q1MedianPick,
  q2: PLAIN_MYSQL.q2,
  q3: `SELECT date(created_at) AS d, COUNT(*) AS n FROM postings WHERE date(created_at) IN (?, ?) GROUP BY d`,
  q4: `SELECT t.d, t.n, y.n AS prev, 100.0 * (t.n - y.n) / y.n AS change_pct
         FROM (SELECT date(created_at) AS d, COUNT(*) AS n FROM postings WHERE strftime('%Y-%m', created_at) = ? GROUP BY d) t
         LEFT JOIN (SELECT date(created_at) AS d, COUNT(*) AS n FROM postings GROUP BY d) y ON y.d = date(t.d, '-1 day')
        ORDER BY t.d`,
  q5: `SELECT * FROM (
         SELECT t.d, t.n, y.n AS prev, 100.0 * (t.n - y.n) / y.n AS change_pct
           FROM (SELECT date(created_at) AS d, COUNT(*) AS n FROM postings WHERE strftime('%Y-%m', created_at) = ? GROUP BY d) t
           LEFT JOIN (SELECT date(created_at) AS d, COUNT(*) AS n FROM postings GROUP BY d) y ON y.d = date(t.d, '-1 day')) c
        WHERE change_pct < -70 OR change_pct > 200 ORDER BY d`,
  weekday: `SELECT strftime('%w', d) AS weekday, COUNT(*) AS days, AVG(n) AS mean_postings
              FROM (SELECT date(created_at) AS d, COUNT(*) AS n FROM postings WHERE strftime('%Y-%m', created_at) = ? GROUP BY d) t
             GROUP BY weekday ORDER BY weekday`,
};

function rowsOf(result: unknown, mysql: boolean): Array<Record<string, unknown>> {
  const rows: unknown = mysql && Array.isArray(result) ? result[0] : result;
  return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
}

/** What the plain queries found, to check both sides answer the same. */
interface PlainFigures {
  medians: Map<string, number>;
  online: Map<string, number>;
  daily: Map<string, number>;
}

/** Runs the plain queries one after the other, as a hand-written script would. */
async function runPlain(knex: Knex, mysql: boolean): Promise<PlainFigures> {
  const sql = mysql ? PLAIN_MYSQL : PLAIN_SQLITE;
  const figures: PlainFigures = { medians: new Map(), online: new Map(), daily: new Map() };
  const [monthRow] = rowsOf(await knex.raw(sql.month), mysql);
  const month = typeof monthRow?.m === 'string' ? monthRow.m : MONTH;
  const categories = rowsOf(await knex.raw(sql.q1Avg), mysql);
  for (const { category } of categories) {
    const [countRow] = rowsOf(await knex.raw(sql.q1MedianCount, [String(category)]), mysql);
    const n = Number(countRow?.n ?? 0);
    if (n === 0) continue;
    const middle = rowsOf(await knex.raw(sql.q1MedianPick, [String(category), Math.floor((n - 1) / 2)]), mysql);
    const low = Number(middle[0]?.v);
    figures.medians.set(String(category), n % 2 === 1 ? low : (low + Number(middle[1]?.v)) / 2);
  }
  for (const row of rowsOf(await knex.raw(sql.q2), mysql)) figures.online.set(String(row.category), Number(row.online));
  const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  await knex.raw(sql.q3, [`${month}-01`, `${month}-${String(lastDay).padStart(2, '0')}`]);
  for (const row of rowsOf(await knex.raw(sql.q4, [month]), mysql)) figures.daily.set(String(row.d), Number(row.n));
  await knex.raw(sql.q5, [month]);
  await knex.raw(sql.weekday, [month]);
  return figures;
}

/** Both sides must agree where they answer the same thing. */
function sameFigures(answers: AnalysisAnswers, plain: PlainFigures): boolean {
  const medians = answers.q1.every((r) => {
    const theirs = plain.medians.get(r.category);
    if (r.median_price_per_m2 === null) return theirs === undefined;
    return theirs !== undefined && Math.abs(theirs - r.median_price_per_m2) <= 1e-9 * Math.abs(theirs);
  });
  const online = answers.q2.every((r) => plain.online.get(r.category) === r.online_postings);
  // The plain daily series skips days without postings; ours has every day.
  const daily = answers.q4.every((r) => (plain.daily.get(r.day) ?? 0) === r.postings);
  return medians && online && daily && plain.daily.size > 0;
}

// ---------------------------------------------------------------------------

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface EngineResult {
  engine: string;
  rows: number;
  fillSeconds: number;
  ours: number;
  plain: number;
  answers: AnalysisAnswers;
  agree: boolean;
  /** Context for the timings: how the data compares with the cache. */
  note: string;
}

async function benchEngine(engine: string, db: Database, rows: number, runs: number): Promise<EngineResult> {
  await migrate(db);
  const fillSeconds = await timed(() => fillGenerated(db, rows));
  const mysql = db.dialect === 'mysql';
  // One untimed round warms caches for both sides alike and checks that
  // they agree.
  let answers = await answerAll(db.knex);
  const agree = sameFigures(answers, await runPlain(db.knex, mysql));
  const ours: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await timed(async () => (answers = await answerAll(db.knex))));
    plain.push(await timed(() => runPlain(db.knex, mysql)));
  }
  return { engine, rows, fillSeconds, ours: median(ours), plain: median(plain), answers, agree, note: await tableSizeNote(db) };
}

async function withMysql(rows: number, runs: number, url: string, keep: boolean): Promise<EngineResult> {
  const admin = await openDatabase(url);
  try {
    await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
    await admin.knex.raw(`CREATE DATABASE \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.close();
  }
  const target = new URL(url);
  target.pathname = `/${BENCH_DATABASE}`;
  const db = await openDatabase(target.toString());
  try {
    const [version] = rowsOf(await db.knex.raw('SELECT VERSION() AS v'), true);
    return await benchEngine(`mysql ${typeof version?.v === 'string' ? version.v : ''}`.trim(), db, rows, runs);
  } finally {
    if (!keep) await db.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``).catch(() => undefined);
    await db.close();
  }
}

async function withSqlite(rows: number, runs: number, keep: boolean): Promise<EngineResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-bench-analysis-'));
  const db = await openDatabase(`sqlite:${path.join(dir, 'bench.sqlite')}`);
  try {
    const [version] = rowsOf(await db.knex.raw('SELECT sqlite_version() AS v'), false);
    return await benchEngine(`sqlite ${typeof version?.v === 'string' ? version.v : ''}`.trim(), db, rows, runs);
  } finally {
    await db.close();
    if (keep) console.log(`kept ${path.join(dir, 'bench.sqlite')}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(results: EngineResult[], runs: number): void {
  const header = ['engine', 'rows', 'ours s', 'plain s', 'plain/ours', 'ours <= plain', 'ours < 2 s'];
  const lines = results.map((r) => [
    r.engine,
    String(r.rows),
    r.ours.toFixed(3),
    r.plain.toFixed(3),
    `${(r.plain / r.ours).toFixed(2)}x`,
    r.ours <= r.plain ? 'yes' : 'NO',
    r.engine.startsWith('mysql') ? (r.ours < 2 ? 'yes' : 'NO') : '(MariaDB target)',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\nanswerAll vs plain SQL, median of ${runs} runs (seconds)`);
  console.log(row(header));
  console.log(row(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(row(l));
  for (const r of results) {
    // Headline figures for `npm run bench`'s summary table.
    const target = r.engine.startsWith('mysql') ? '<= plain and < 2 s' : '<= plain';
    const pass = r.ours <= r.plain && (!r.engine.startsWith('mysql') || r.ours < 2);
    benchResult({
      figure: `all answers, ${r.engine}, ${r.rows} rows`,
      value: r.ours,
      unit: 's',
      reference: r.plain,
      referenceLabel: 's plain SQL',
      ratio: r.ours / r.plain,
      target,
      pass,
    });
  }
  for (const r of results) {
    console.log(
      `${r.engine}: filled in ${r.fillSeconds.toFixed(1)} s; month ${r.answers.month}, ${r.answers.q1.length} categories, ` +
        `${r.answers.q5.length} alert days; ${r.note}; medians, online counts and daily counts agree with the plain SQL: ${r.agree ? 'yes' : 'NO'}`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      engine: { type: 'string', default: 'both' },
      // Leaves the databases in place for EXPLAIN and manual queries.
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${values.rows}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const engine = values.engine;
  if (engine !== 'both' && engine !== 'mysql' && engine !== 'sqlite') {
    throw new Error(`--engine must be mysql, sqlite or both, got ${engine}`);
  }
  const url = process.env.MYSQL_URL?.trim() || DEFAULT_MYSQL_URL;
  const results: EngineResult[] = [];
  if (engine !== 'sqlite') results.push(await withMysql(rows, runs, url, values.keep));
  if (engine !== 'mysql') results.push(await withSqlite(rows, runs, values.keep));
  printTable(results, runs);
  console.log('\nreproduce:');
  console.log('  npm run bench:analysis');
  console.log(`  MYSQL_URL=${DEFAULT_MYSQL_URL} node tools/dist/bench/bench-analysis.js --rows ${rows} --runs ${runs} --engine ${engine}`);
}

main().catch((error: unknown) => {
  console.error(`bench-analysis: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
