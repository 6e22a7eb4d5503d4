import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ANSWER_FILES, answerCsv, storeAnswers, type AnalysisAnswers, type AnswerFileKey } from 'analysis';
import { buildTestApp, mainOf } from './helpers';
import { runAnalyzeCommand } from 'loader';
import { ENGINES, fakeIo, MARKET_CSV, MARKET_POSTINGS, seededDatabase, type SeededDatabase } from 'tools/testing';

const CSV_ROUTES: Record<AnswerFileKey, string> = {
  q1: '/analysis/q1.csv',
  q2: '/analysis/q2.csv',
  q3: '/analysis/q3.csv',
  q4: '/analysis/q4.csv',
  q5: '/analysis/q5.csv',
  weekday: '/analysis/weekday.csv',
};
const KEYS = Object.keys(CSV_ROUTES) as AnswerFileKey[];

/** Statements that read or write the postings table (not a column named postings). */
const TOUCHES_POSTINGS = /\b(from|join|into|update|table)\s+[`"]?postings\b/i;

/**
 * The market fixture (three months: 2024-01, 2024-02 the busiest, 2024-03)
 * with its answer files worked out by hand in MARKET_CSV.
 */
describe.each(ENGINES)('the analysis routes read the stored answers, on %s', (engine) => {
  let seeded: SeededDatabase;
  let app: FastifyInstance;
  let outDir: string;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, MARKET_POSTINGS);
    outDir = path.join(seeded.tdb.dir, 'answers');
    // The loader's own command stores the answers and writes the files.
    const io = fakeIo({ INIT_CWD: seeded.tdb.dir });
    expect(await runAnalyzeCommand(['--database-url', seeded.tdb.url, '--out', outDir], io)).toBe(0);
    app = await buildTestApp({ database: seeded.db });
  });
  afterAll(async () => {
    await app?.close();
    await seeded?.dispose();
  });

  it('serves CSV downloads byte-identical to the files the loader wrote', async () => {
    for (const key of KEYS) {
      const file = fs.readFileSync(path.join(outDir, ANSWER_FILES[key]), 'utf8');
      const res = await app.inject({ method: 'GET', url: CSV_ROUTES[key] });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(file);
      expect(res.body).toBe(MARKET_CSV[key]);
    }
  });

  it('serves /analysis.json with the same rows as the files, at full precision', async () => {
    const res = await app.inject({ method: 'GET', url: '/analysis.json' });
    expect(res.statusCode).toBe(200);
    const json = res.json<AnalysisAnswers & Record<string, unknown>>();
    expect(json).toMatchObject({
      month: '2024-02',
      months: [
        { month: '2024-01', postings: 3 },
        { month: '2024-02', postings: 34 },
        { month: '2024-03', postings: 2 },
      ],
      thresholds: { drop: -70, spike: 200 },
      load_run_id: null,
      computed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      weekday_pattern: expect.stringContaining('busiest'),
    });
    // Written with the contract's rounding, the JSON is each file, byte for byte.
    for (const key of KEYS) {
      expect(await answerCsv(key, json)).toBe(fs.readFileSync(path.join(outDir, ANSWER_FILES[key]), 'utf8'));
    }
  });

  it('shows the same answers on the page', async () => {
    const main = mainOf((await app.inject({ method: 'GET', url: '/analysis' })).body);
    expect(main).toContain('<tr><td>HOUSE_BUY</td><td class="num">4</td><td class="num">3625</td><td class="num">3500</td></tr>');
    expect(main).toContain(
      '<tr class="alert-spike"><td>2024-02-06</td><td class="num">4</td><td class="num">1</td><td class="num">300</td><td>spike</td></tr>',
    );
    expect(main).toContain('<tr><td>2024-02-29</td><td class="num">0</td></tr>');
  });

  it('lists the months with data newest first, with links to the previous and next month', async () => {
    const main = mainOf((await app.inject({ method: 'GET', url: '/analysis?drop=-80' })).body);
    const select = /<select id="month" name="month"[^>]*>([\s\S]*?)<\/select>/.exec(main)?.[1] ?? '';
    const options = [...select.matchAll(/<option value="([^"]+)"( selected)?>([^<]+)<\/option>/g)].map((m) => [
      m[1],
      m[2] === ' selected',
      m[3],
    ]);
    expect(options).toEqual([
      ['2024-03', false, 'March 2024'],
      ['2024-02', true, 'February 2024'],
      ['2024-01', false, 'January 2024'],
    ]);
    expect(main).toContain('<a rel="prev" id="previous-month" href="/analysis?month=2024-01&amp;drop=-80">&larr; January 2024</a>');
    expect(main).toContain('<a rel="next" id="next-month" href="/analysis?month=2024-03&amp;drop=-80">March 2024 &rarr;</a>');

    const first = mainOf((await app.inject({ method: 'GET', url: '/analysis?month=2024-01' })).body);
    expect(first).not.toContain('id="previous-month"');
    expect(first).toContain('<a rel="next" id="next-month" href="/analysis?month=2024-02">February 2024 &rarr;</a>');
    expect(first).toContain('<option value="2024-01" selected>January 2024</option>');
    const last = mainOf((await app.inject({ method: 'GET', url: '/analysis?month=2024-03' })).body);
    expect(last).toContain('<a rel="prev" id="previous-month" href="/analysis?month=2024-02">&larr; February 2024</a>');
    expect(last).not.toContain('id="next-month"');
  });

  it('answers any month and thresholds without a query on postings', async () => {
    const sql: string[] = [];
    const listener = (query: { sql: string }): void => void sql.push(query.sql);
    seeded.db.knex.on('query', listener);
    try {
      const urls = [
        '/analysis',
        '/analysis?month=2024-01&drop=-10&spike=10',
        '/analysis.json?month=2024-03',
        '/analysis/q5.csv?spike=250',
        '/analysis/q4.csv?month=2023-12',
      ];
      for (const url of urls) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
      const strict = await app.inject({ method: 'GET', url: '/analysis/q5.csv?drop=-80&spike=300' });
      expect(strict.body).toBe('day,postings,previous_day_postings,change_pct,kind\n2024-02-03,0,2,-100,drop\n2024-02-29,0,1,-100,drop\n');
    } finally {
      seeded.db.knex.removeListener('query', listener);
    }
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.filter((s) => TOUCHES_POSTINGS.test(s))).toEqual([]);
  });

  it('answers /readyz while request queries hold every pooled connection', async () => {
    const pool = (seeded.db.knex.client as { pool: { max: number } }).pool;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: pool.max }, () =>
      seeded.db.knex.transaction(async (trx) => {
        await trx.raw('select 1');
        await gate;
      }),
    );
    try {
      // Were the probe to wait for a connection, this would hang until the gate opens.
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', database: 'ok' } });
    } finally {
      release();
      await Promise.all(holders);
    }
  });
});

describe.each(ENGINES)('a database with postings but no stored answers, on %s', (engine) => {
  let seeded: SeededDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, MARKET_POSTINGS);
    app = await buildTestApp({ database: seeded.db });
  });
  afterAll(async () => {
    await app?.close();
    await seeded?.dispose();
  });

  it('names the command that computes them instead of scanning, on the page, the JSON and the CSVs', async () => {
    const page = await app.inject({ method: 'GET', url: '/analysis' });
    expect(page.statusCode).toBe(503);
    expect(mainOf(page.body)).toContain('<code>npm -w loader run analyze</code>');
    for (const url of ['/analysis.json', '/analysis/q1.csv']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'SERVER_ANSWERS_NOT_COMPUTED', message: expect.stringContaining('npm -w loader run analyze') });
    }
  });

  it('serves a new stored set at once, never an earlier view of the old one', async () => {
    await storeAnswers(seeded.db.knex);
    const before = (await app.inject({ method: 'GET', url: '/analysis/q2.csv' })).body;
    expect(before).toBe(MARKET_CSV.q2);
    expect((await app.inject({ method: 'GET', url: '/analysis/q2.csv' })).body).toBe(before);
    const page = mainOf((await app.inject({ method: 'GET', url: '/analysis' })).body);
    // HOUSE_BUY has no ONLINE posting in the fixture; make one ONLINE and store again.
    const [one] = await seeded.db.knex('postings').select('uuid').where({ category: 'HOUSE_BUY' }).orderBy('uuid').limit(1);
    await seeded.db
      .knex('postings')
      .where({ uuid: (one as { uuid: string }).uuid })
      .update({ status: 'ONLINE' });
    await storeAnswers(seeded.db.knex);
    expect((await app.inject({ method: 'GET', url: '/analysis/q2.csv' })).body).toBe(before.replace('HOUSE_BUY,0', 'HOUSE_BUY,1'));
    const after = mainOf((await app.inject({ method: 'GET', url: '/analysis' })).body);
    expect(after).not.toBe(page);
    expect(after).toContain('<tr><td>HOUSE_BUY</td><td class="num">1</td></tr>');
  });

  it('shows the answers once they are stored, with no restart', async () => {
    await storeAnswers(seeded.db.knex);
    const res = await app.inject({ method: 'GET', url: '/analysis/q3.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(MARKET_CSV.q3);
  });
});
