import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { ANSWER_TABLES, answerAll, readAnswers, storeAnswers, type AnalysisOptions } from 'analysis';
import { loadCsv, type Database } from 'loader';
import { runAnalyzeCommand } from '../../src/cli/analyze-command';
import { runLoadCommand } from '../../src/cli/load-command';
import { createTestDatabase, ENGINES, fakeIo, type TestDatabase, MARKET_POSTINGS, seededDatabase } from 'tools/testing';

const HEADER = 'uuid,category,zip_code,price,area,created_at,status';
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Two months in one file. By hand: February 2021 has 2 postings (27th and
 * 28th), March 3 (two on the 1st, one on the 3rd). Price per m²:
 * APARTMENT_RENT 20, 15, 30 (mean 21.666…, median 20); HOUSE_BUY 3000
 * (the second HOUSE_BUY has no price). ONLINE: APARTMENT_RENT 2, HOUSE_BUY 2.
 */
const TWO_MONTHS = [
  HEADER,
  `${uuid(1)},APARTMENT_RENT,,1000,50,2021-02-27 10:00:00,ONLINE`,
  `${uuid(2)},APARTMENT_RENT,,600,40,2021-02-28 23:59:59,OFFLINE`,
  `${uuid(3)},HOUSE_BUY,,300000,100,2021-03-01 00:00:00,ONLINE`,
  `${uuid(4)},HOUSE_BUY,,,80,2021-03-01 12:00:00,ONLINE`,
  `${uuid(5)},APARTMENT_RENT,,900,30,2021-03-03 08:00:00,ONLINE`,
].join('\n');

/** The same postings, the fifth now 1500 EUR (50 /m²) and OFFLINE. */
const RELOADED = TWO_MONTHS.replace(
  `${uuid(5)},APARTMENT_RENT,,900,30,2021-03-03 08:00:00,ONLINE`,
  `${uuid(5)},APARTMENT_RENT,,1500,30,2021-03-03 08:00:00,OFFLINE`,
);

/** Statements that read or write the postings table (not a column named postings). */
const TOUCHES_POSTINGS = /\b(from|join|into|update|table)\s+[`"]?postings\b/i;

/** Collects every SQL statement `knex` sends while `run` runs. */
async function statementsDuring(knex: Knex, run: () => Promise<unknown>): Promise<string[]> {
  const sql: string[] = [];
  const listener = (query: { sql: string }): void => void sql.push(query.sql);
  knex.on('query', listener);
  try {
    await run();
  } finally {
    knex.removeListener('query', listener);
  }
  return sql;
}

describe.each(ENGINES)('stored answers on %s', (engine) => {
  let tdb: TestDatabase;
  let db: Database;
  let file: string;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    db = await tdb.open();
    file = path.join(tdb.dir, 'postings.csv');
    fs.writeFileSync(file, TWO_MONTHS);
  });
  afterEach(async () => {
    await db.close();
    await tdb.drop();
  });

  async function sets(): Promise<Array<{ id: number; load_run_id: number | null }>> {
    const rows: Array<{ id: unknown; load_run_id: unknown }> = await db.knex(ANSWER_TABLES.sets).select('id', 'load_run_id');
    return rows.map((r) => ({ id: Number(r.id), load_run_id: r.load_run_id === null ? null : Number(r.load_run_id) }));
  }

  it('computes the answers once per finished load, tied to its load_runs row', async () => {
    let summary: Awaited<ReturnType<typeof loadCsv>> | null = null;
    const sql = await statementsDuring(db.knex, async () => {
      summary = await loadCsv(db, file, { rejectFile: null });
    });
    // Question 1 is one statement over the whole table: it ran exactly once.
    expect(sql.filter((s) => s.includes('WITH usable AS'))).toHaveLength(1);
    expect(await sets()).toEqual([{ id: expect.any(Number), load_run_id: summary!.runId }]);
    const answers = await readAnswers(db.knex);
    expect(answers?.set.loadRunId).toBe(summary!.runId);
    expect(answers?.q1).toEqual([
      { category: 'APARTMENT_RENT', postings: 3, avg_price_per_m2: expect.closeTo(65 / 3, 12), median_price_per_m2: 20 },
      { category: 'HOUSE_BUY', postings: 1, avg_price_per_m2: 3000, median_price_per_m2: 3000 },
    ]);
    expect(answers?.q2).toEqual([
      { category: 'APARTMENT_RENT', online_postings: 2 },
      { category: 'HOUSE_BUY', online_postings: 2 },
    ]);
  });

  it('keeps two months of daily counts for a file spanning two months, every day included', async () => {
    await loadCsv(db, file, { rejectFile: null });
    const months = await db.knex(ANSWER_TABLES.months).select('month', 'postings').orderBy('month');
    expect(months.map((m: { month: string; postings: unknown }) => [m.month, Number(m.postings)])).toEqual([
      ['2021-02', 2],
      ['2021-03', 3],
    ]);
    const days: Array<{ day: string; postings: unknown }> = await db.knex(ANSWER_TABLES.days).select('day', 'postings').orderBy('day');
    expect(days).toHaveLength(28 + 31);
    expect(days[0]?.day).toBe('2021-02-01');
    expect(days[days.length - 1]?.day).toBe('2021-03-31');
    expect(days.filter((d) => Number(d.postings) > 0).map((d) => [d.day, Number(d.postings)])).toEqual([
      ['2021-02-27', 1],
      ['2021-02-28', 1],
      ['2021-03-01', 2],
      ['2021-03-03', 1],
    ]);
    // "The month" is March (3 postings), also the latest; February is still one query away.
    expect((await readAnswers(db.knex))?.month).toBe('2021-03');
    expect((await readAnswers(db.knex, { month: 'latest' }))?.month).toBe('2021-03');
    expect((await readAnswers(db.knex, { month: '2021-02' }))?.q3).toEqual([
      { day: '2021-02-01', postings: 0 },
      { day: '2021-02-28', postings: 1 },
    ]);
  });

  it('replaces the stored answers on a reload', async () => {
    const first = await loadCsv(db, file, { rejectFile: null });
    fs.writeFileSync(file, RELOADED);
    const second = await loadCsv(db, file, { rejectFile: null });
    expect(second.runId).not.toBe(first.runId);
    expect(await sets()).toEqual([{ id: expect.any(Number), load_run_id: second.runId }]);
    const answers = await readAnswers(db.knex);
    expect(answers?.q1[0]).toEqual({
      category: 'APARTMENT_RENT',
      postings: 3,
      avg_price_per_m2: expect.closeTo(85 / 3, 12),
      median_price_per_m2: 20,
    });
    expect(answers?.q2[0]).toEqual({ category: 'APARTMENT_RENT', online_postings: 1 });
    // Only the new set's rows are left in every child table.
    for (const table of [ANSWER_TABLES.categories, ANSWER_TABLES.months, ANSWER_TABLES.days]) {
      const owners: Array<{ answer_set_id: unknown }> = await db.knex(table).distinct('answer_set_id');
      expect(owners.map((o) => Number(o.answer_set_id))).toEqual([answers?.set.id]);
    }
  });

  it('answers question 5 for other thresholds and months without a query on postings', async () => {
    await loadCsv(db, file, { rejectFile: null });
    let defaults: Awaited<ReturnType<typeof readAnswers>> = null;
    let lenient: Awaited<ReturnType<typeof readAnswers>> = null;
    let february: Awaited<ReturnType<typeof readAnswers>> = null;
    const sql = await statementsDuring(db.knex, async () => {
      defaults = await readAnswers(db.knex);
      lenient = await readAnswers(db.knex, { dropThreshold: -100 });
      february = await readAnswers(db.knex, { month: '2021-02', spikeThreshold: 500 });
    });
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.filter((s) => TOUCHES_POSTINGS.test(s))).toEqual([]);
    // March by hand: 2 on the 1st, 0 on the 2nd (-100 %), 1 on the 3rd (previous 0: no change), 0 on the 4th (-100 %).
    expect(defaults!.q5).toEqual([
      { day: '2021-03-02', postings: 0, previous_day_postings: 2, change_pct: -100, kind: 'drop' },
      { day: '2021-03-04', postings: 0, previous_day_postings: 1, change_pct: -100, kind: 'drop' },
    ]);
    // Strictly below -100 is impossible.
    expect(lenient!.q5).toEqual([]);
    expect(february!.month).toBe('2021-02');
    expect(february!.q4).toHaveLength(28);
  });

  it('removes the stored answers after a load that does not compute them', async () => {
    await loadCsv(db, file, { rejectFile: null });
    await loadCsv(db, file, { rejectFile: null, answers: false });
    expect(await readAnswers(db.knex)).toBeNull();
  });

  it('start with several files stores them once, after the last, tied to its load', async () => {
    const second = path.join(tdb.dir, 'reloaded.csv');
    fs.writeFileSync(second, RELOADED);
    const io = fakeIo({ INIT_CWD: tdb.dir });
    expect(await runLoadCommand([file, second, '--database-url', tdb.url, '--out', path.join(tdb.dir, 'out'), '--quiet'], io)).toBe(0);
    const runs: Array<{ id: unknown }> = await db.knex('load_runs').select('id').orderBy('id');
    expect(runs).toHaveLength(2);
    expect(await sets()).toEqual([{ id: expect.any(Number), load_run_id: Number(runs[1]?.id) }]);
    // The answers describe the table after both files: the second file's price won.
    expect((await readAnswers(db.knex))?.q2[0]).toEqual({ category: 'APARTMENT_RENT', online_postings: 1 });
  });

  it('analyze stores them, tied to the newest finished load', async () => {
    const loaded = await loadCsv(db, file, { rejectFile: null, answers: false });
    const io = fakeIo({ INIT_CWD: tdb.dir });
    expect(await runAnalyzeCommand(['--database-url', tdb.url, '--out', path.join(tdb.dir, 'out')], io)).toBe(0);
    expect(await sets()).toEqual([{ id: expect.any(Number), load_run_id: loaded.runId }]);
  });
});

describe.each(ENGINES)('stored answers equal the answers computed from postings, on %s', (engine) => {
  it.each<[AnalysisOptions]>([
    [{}],
    [{ month: '2024-01' }],
    [{ month: '2024-03', dropThreshold: -50, spikeThreshold: 50 }],
    [{ month: '1999-12' }],
    [{ month: 'latest' }],
  ])('with options %j', async (options) => {
    const seeded = await seededDatabase(engine, MARKET_POSTINGS);
    try {
      const info = await storeAnswers(seeded.db.knex);
      expect(info.loadRunId).toBeNull();
      expect(info.months.map((m) => m.month)).toEqual(['2024-01', '2024-02', '2024-03']);
      const { set, thresholds, ...stored } = (await readAnswers(seeded.db.knex, options))!;
      expect(set.id).toBe(info.id);
      expect(thresholds).toEqual({ drop: options.dropThreshold ?? -70, spike: options.spikeThreshold ?? 200 });
      // Exactly equal: doubles make the round trip through both engines unchanged.
      expect(stored).toEqual(await answerAll(seeded.db.knex, options));
    } finally {
      await seeded.dispose();
    }
  });
});
