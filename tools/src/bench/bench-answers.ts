/**
 * The answers a load stores (`computeAnswers`: question 1, question 2 and
 * the daily counts, run concurrently) on a generated table, against the
 * same work with question 1 as the two-pass statement it was before it read
 * the table once (frozen below as the reference). Old and new alternate in
 * every round, in ABBA order; prints medians, ratios and the 2 s target for
 * all answers at 1M rows on MariaDB. Checks that both give the same answers.
 *
 *   npm run bench:answers
 *   node tools/dist/bench/bench-answers.js --rows 1000000 --rounds 5 [--engine mysql|sqlite|both] [--reuse]
 *   MYSQL_URL=mysql://root@127.0.0.1:3306/test selects the server. The table
 *   goes into database rxd_bench_answers (or a temporary SQLite file); with
 *   --reuse a MariaDB table of the right size is kept and used again.
 *
 * The headline figure is with the server's own innodb_buffer_pool_size
 * (printed; the default 128 MiB is smaller than a 1M-row table).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { avgPricePerM2, computeAnswers, dailyCounts, onlinePerCategory } from 'analysis';
import { migrate, openDatabase, type Database } from 'loader';
import { fillGenerated, tableSizeNote } from './generated-table';
import { benchResult, median, positive } from './report';

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';
const BENCH_DATABASE = 'rxd_bench_answers';
const TARGET_SECONDS = 2;

function rowsOf(result: unknown, mysql: boolean): Array<Record<string, unknown>> {
  const rows: unknown = mysql && Array.isArray(result) ? result[0] : result;
  return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
}

/** `computeAnswers` with question 1 read in two passes (`sampleRows: 0`), as before the one-scan statement. */
async function twoPassAnswers(knex: Knex): Promise<unknown> {
  return Promise.all([avgPricePerM2(knex, { sampleRows: 0 }), onlinePerCategory(knex), dailyCounts(knex)]);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function countPostings(knex: Knex, mysql: boolean): Promise<number> {
  const [row] = rowsOf(await knex.raw('SELECT COUNT(*) AS n FROM postings'), mysql);
  return Number(row?.n ?? 0);
}

async function fill(db: Database, rows: number): Promise<void> {
  await migrate(db);
  await fillGenerated(db, rows);
}

interface Figures {
  engine: string;
  rows: number;
  rounds: number;
  allNew: number;
  allOld: number;
  q1New: number;
  q1Old: number;
  /** Medians of the per-round new/old ratios: steadier than the ratio of medians on a shared machine. */
  allRatio: number;
  q1Ratio: number;
  same: boolean;
  note: string;
}

async function measure(engine: string, db: Database, rounds: number): Promise<Figures> {
  const mysql = db.dialect === 'mysql';
  const loaded = await countPostings(db.knex, mysql);
  // Untimed: warms both alike and checks that they answer the same, to the bit.
  const [newQ1, oldQ1] = [await avgPricePerM2(db.knex), await avgPricePerM2(db.knex, { sampleRows: 0 })];
  const same = JSON.stringify(newQ1) === JSON.stringify(oldQ1);
  const times = { allNew: [] as number[], allOld: [] as number[], q1New: [] as number[], q1Old: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const pairs: Array<[keyof typeof times, () => Promise<unknown>]> = [
      ['allNew', () => computeAnswers(db.knex)],
      ['allOld', () => twoPassAnswers(db.knex)],
      ['q1New', () => avgPricePerM2(db.knex)],
      ['q1Old', () => avgPricePerM2(db.knex, { sampleRows: 0 })],
    ];
    // ABBA: new first in even rounds, old first in odd ones.
    const order = i % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
    for (const k of order) {
      const [name, run] = pairs[k];
      const seconds = await timed(run);
      times[name].push(seconds);
      process.stderr.write(
        `[bench-answers] ${engine} round ${i + 1} ${name} ${seconds.toFixed(3)} s (load ${os.loadavg()[0].toFixed(2)})\n`,
      );
    }
  }
  return {
    engine,
    rows: loaded,
    rounds,
    allNew: median(times.allNew),
    allOld: median(times.allOld),
    q1New: median(times.q1New),
    q1Old: median(times.q1Old),
    allRatio: median(times.allNew.map((t, i) => t / times.allOld[i])),
    q1Ratio: median(times.q1New.map((t, i) => t / times.q1Old[i])),
    same,
    note: await tableSizeNote(db),
  };
}

async function withMysql(rows: number, rounds: number, url: string, reuse: boolean): Promise<Figures> {
  const target = new URL(url);
  target.pathname = `/${BENCH_DATABASE}`;
  const admin = await openDatabase(url);
  let fresh = true;
  try {
    const [exists] = rowsOf(
      await admin.knex.raw('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [
        BENCH_DATABASE,
        'postings',
      ]),
      true,
    );
    if (reuse && Number(exists?.n) > 0) {
      const db = await openDatabase(target.toString());
      fresh = (await countPostings(db.knex, true)) !== rows;
      await db.close();
    }
    if (fresh) {
      await admin.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
      await admin.knex.raw(`CREATE DATABASE \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    }
  } finally {
    await admin.close();
  }
  const db = await openDatabase(target.toString());
  try {
    if (fresh) await fill(db, rows);
    const [version] = rowsOf(await db.knex.raw('SELECT VERSION() AS v'), true);
    return await measure(`mysql ${typeof version?.v === 'string' ? version.v : ''}`.trim(), db, rounds);
  } finally {
    if (!reuse) await db.knex.raw(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``).catch(() => undefined);
    await db.close();
  }
}

async function withSqlite(rows: number, rounds: number): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-bench-answers-'));
  const db = await openDatabase(`sqlite:${path.join(dir, 'bench.sqlite')}`);
  try {
    await fill(db, rows);
    const [version] = rowsOf(await db.knex.raw('SELECT sqlite_version() AS v'), false);
    return await measure(`sqlite ${typeof version?.v === 'string' ? version.v : ''}`.trim(), db, rounds);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: Figures[]): void {
  console.log('\ncomputeAnswers (all answers) and question 1 alone: one-scan question 1 (new) vs two-pass (old), median seconds');
  console.log('(new/old: median of the per-round ratios)');
  console.log('engine                            rows     rounds  all new  all old  new/old  q1 new  q1 old  new/old  same answers');
  for (const r of results) {
    console.log(
      [
        r.engine.padEnd(32),
        String(r.rows).padEnd(8),
        String(r.rounds).padEnd(6),
        r.allNew.toFixed(3).padEnd(7),
        r.allOld.toFixed(3).padEnd(7),
        r.allRatio.toFixed(2).padEnd(7),
        r.q1New.toFixed(3).padEnd(6),
        r.q1Old.toFixed(3).padEnd(6),
        r.q1Ratio.toFixed(2).padEnd(7),
        r.same ? 'yes' : 'NO',
      ].join('  '),
    );
  }
  for (const r of results) {
    const mysql = r.engine.startsWith('mysql');
    console.log(`${r.engine}: ${r.note}`);
    benchResult({
      figure: `all answers (computeAnswers), ${r.engine}, ${r.rows} rows`,
      value: r.allNew,
      unit: 's',
      reference: r.allOld,
      referenceLabel: 's with the two-pass question 1',
      ratio: r.allRatio,
      target: mysql ? `< ${TARGET_SECONDS} s, same answers` : '<= old, same answers',
      pass: r.same && (mysql ? r.allNew < TARGET_SECONDS : r.allNew <= r.allOld * 1.05),
    });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      rounds: { type: 'string' },
      engine: { type: 'string', default: 'mysql' },
      reuse: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const rows = positive('rows', values.rows, 1_000_000);
  const rounds = positive('rounds', values.rounds, 5);
  const engine = values.engine;
  if (engine !== 'both' && engine !== 'mysql' && engine !== 'sqlite')
    throw new Error(`--engine must be mysql, sqlite or both, got ${engine}`);
  const url = process.env.MYSQL_URL?.trim() || DEFAULT_MYSQL_URL;
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const results: Figures[] = [];
  if (engine !== 'sqlite') results.push(await withMysql(rows, rounds, url, values.reuse));
  if (engine !== 'mysql') results.push(await withSqlite(rows, rounds));
  report(results);
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('\nreproduce:');
  console.log('  npm run bench:answers');
  console.log(
    `  MYSQL_URL=${DEFAULT_MYSQL_URL} node tools/dist/bench/bench-answers.js --rows ${rows} --rounds ${rounds} --engine ${engine}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench-answers: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
