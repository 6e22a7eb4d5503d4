import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTestApp, mainOf } from './helpers';
import { loadCsv, migrate, openDatabase, type Database } from 'loader';
import type { FastifyInstance } from 'fastify';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'realxdeal-analysis-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /analysis with loaded postings', () => {
  let database: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await openDatabase(`sqlite:${path.join(dir, 'loaded.sqlite')}`);
    await migrate(database);
    const summary = await loadCsv(database, path.join(__dirname, '__fixtures__', 'postings.csv'), { rejectFile: null });
    expect(summary).toMatchObject({ rowsLoaded: 10, rowsRejected: 0 });
    app = await buildTestApp({ database });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('shows the month with both charts drawn from the data', async () => {
    const res = await app.inject({ method: 'GET', url: '/analysis' });
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('Postings analysis <small>February 2021</small>');
    const bars = [...main.matchAll(/data-day="(2021-02-\d\d)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(bars).toHaveLength(28);
    expect(bars.filter(([, v]) => (v as number) > 0)).toEqual([
      ['2021-02-01', 4],
      ['2021-02-02', 1],
      ['2021-02-03', 4],
      ['2021-02-28', 1],
    ]);
    const alerts = [...main.matchAll(/data-alert-day="([\d-]+)" data-kind="(\w+)"/g)].map((m) => [m[1], m[2]]);
    expect(alerts).toEqual([
      ['2021-02-02', 'drop'],
      ['2021-02-03', 'spike'],
      ['2021-02-04', 'drop'],
    ]);
    const price = [...main.matchAll(/data-category="([^"]+)" data-series="(\w+)" data-value="([\d.]+)"/g)].map((m) => [
      m[1],
      m[2],
      Number(m[3]),
    ]);
    expect(price).toEqual([
      ['&#60;script&#62;1&#60;/script&#62;', 'mean', 10],
      ['&#60;script&#62;1&#60;/script&#62;', 'median', 10],
      ['APARTMENT_BUY', 'mean', 3125],
      ['APARTMENT_BUY', 'median', 2750],
      ['APARTMENT_RENT', 'mean', expect.closeTo(26.6667, 3)],
      ['APARTMENT_RENT', 'median', 30],
    ]);
    expect(main).toContain('data-category="HOUSE_BUY" data-value="">no posting with price and area');
  });

  it('shows the five answers as tables, escaping category names', async () => {
    const main = mainOf((await app.inject({ method: 'GET', url: '/analysis' })).body);
    expect(main).toContain('<tr><td>APARTMENT_BUY</td><td class="num">4</td><td class="num">3125</td><td class="num">2750</td></tr>');
    expect(main).toContain('<tr><td>HOUSE_BUY</td><td class="num">0</td><td class="num"></td><td class="num"></td></tr>');
    expect(main).toContain('<tr><td>APARTMENT_BUY</td><td class="num">3</td></tr>');
    expect(main).toContain('<tr><td>2021-02-01</td><td class="num">4</td></tr>');
    expect(main).toContain('<tr><td>2021-02-28</td><td class="num">1</td></tr>');
    expect(main).toContain(
      '<tr class="alert-spike"><td>2021-02-03</td><td class="num">4</td><td class="num">1</td><td class="num">300</td><td>spike</td></tr>',
    );
    expect(main).toContain('&lt;script&gt;1&lt;/script&gt;');
    expect(main).not.toContain('<script');
  });

  it('links the six answer files, carrying the chosen month and thresholds', async () => {
    const main = mainOf((await app.inject({ method: 'GET', url: '/analysis?month=2021-02&spike=250' })).body);
    for (const name of ['q1', 'q2', 'q3', 'q4', 'q5', 'weekday']) {
      expect(main).toContain(`href="/analysis/${name}.csv?month=2021-02&amp;spike=250"`);
    }
    // With the spike threshold at 250 the +300 % day still alerts; at 400 it would not.
    const higher = mainOf((await app.inject({ method: 'GET', url: '/analysis?spike=400' })).body);
    expect(higher).not.toContain('data-kind="spike"');
  });

  it.each([
    [
      'q1',
      'q1_avg_price_per_m2.csv',
      'category,postings,avg_price_per_m2,median_price_per_m2\n<script>1</script>,1,10,10\nAPARTMENT_BUY,4,3125,2750\nAPARTMENT_RENT,3,26.666667,30\nHOUSE_BUY,0,,\n',
    ],
    [
      'q2',
      'q2_online_per_category.csv',
      'category,online_postings\n<script>1</script>,1\nAPARTMENT_BUY,3\nAPARTMENT_RENT,2\nHOUSE_BUY,1\n',
    ],
    ['q3', 'q3_first_last_day.csv', 'day,postings\n2021-02-01,4\n2021-02-28,1\n'],
    [
      'q5',
      'q5_alerts.csv',
      'day,postings,previous_day_postings,change_pct,kind\n2021-02-02,1,4,-75,drop\n2021-02-03,4,1,300,spike\n2021-02-04,0,4,-100,drop\n',
    ],
  ])('serves /analysis/%s.csv as the contract file %s', async (key, filename, csv) => {
    const res = await app.inject({ method: 'GET', url: `/analysis/${key}.csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
    expect(res.body).toBe(csv);
  });

  it('serves the daily change and weekday files with one row per day and weekday', async () => {
    const q4 = (await app.inject({ method: 'GET', url: '/analysis/q4.csv' })).body.trimEnd().split('\n');
    expect(q4[0]).toBe('day,postings,previous_day_postings,change_pct');
    expect(q4).toHaveLength(29);
    expect(q4[1]).toBe('2021-02-01,4,,');
    const weekday = (await app.inject({ method: 'GET', url: '/analysis/weekday.csv' })).body.trimEnd().split('\n');
    expect(weekday[0]).toBe('weekday,days,mean_postings');
    expect(weekday[1]).toMatch(/^Monday,4,/);
    expect(weekday).toHaveLength(8);
  });

  it.each([
    ['/analysis?month=2021-13', 400, /month must be/],
    ['/analysis?drop=abc', 400, /drop must be a plain decimal/],
    ['/analysis?drop=300', 400, /drop must not be above/],
  ])('answers %s with %i and the reason, on the page', async (url, status, message) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(mainOf(res.body)).toMatch(message);
  });

  it('answers a bad month on a CSV link with a JSON 400', async () => {
    const res = await app.inject({ method: 'GET', url: '/analysis/q1.csv?month=Feb' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'SERVER_VALIDATION', message: expect.stringMatching(/month/) });
  });
});

describe('GET /analysis with an empty database', () => {
  it('says how to load data', async () => {
    const database = await openDatabase(`sqlite:${path.join(dir, 'empty.sqlite')}`);
    await migrate(database);
    const app = await buildTestApp({ database });
    try {
      const res = await app.inject({ method: 'GET', url: '/analysis' });
      expect(res.statusCode).toBe(200);
      const main = mainOf(res.body);
      expect(main).toContain('The database has no postings yet');
      expect(main).toContain('<code>npm start</code>');
      const csv = await app.inject({ method: 'GET', url: '/analysis/q1.csv' });
      expect(csv.body).toBe('category,postings,avg_price_per_m2,median_price_per_m2\n');
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('GET /analysis on a database nobody has loaded', () => {
  it('treats a missing postings table as empty', async () => {
    const database = await openDatabase(`sqlite:${path.join(dir, 'fresh.sqlite')}`);
    const app = await buildTestApp({ database });
    try {
      const res = await app.inject({ method: 'GET', url: '/analysis' });
      expect(res.statusCode).toBe(200);
      expect(mainOf(res.body)).toContain('The database has no postings yet');
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('GET /analysis without a working database', () => {
  it('answers 503 saying the database is unavailable when it stops answering', async () => {
    const database = await openDatabase(`sqlite:${path.join(dir, 'gone.sqlite')}`);
    await migrate(database);
    const app = await buildTestApp({ database });
    try {
      await database.close();
      const res = await app.inject({ method: 'GET', url: '/analysis' });
      expect(res.statusCode).toBe(503);
      expect(mainOf(res.body)).toContain('the database is unavailable');
      const csv = await app.inject({ method: 'GET', url: '/analysis/q2.csv' });
      expect(csv.statusCode).toBe(503);
      expect(csv.json()).toEqual({
        error: 'SERVER_DATABASE_UNAVAILABLE',
        message: 'the database is unavailable: it does not answer right now',
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 when the database was down at start', async () => {
    const app = await buildTestApp({ config: { DATABASE_URL: 'mysql://u:p@127.0.0.1:1/db' } });
    try {
      const res = await app.inject({ method: 'GET', url: '/analysis' });
      expect(res.statusCode).toBe(503);
      expect(mainOf(res.body)).toContain('the database is unavailable');
    } finally {
      await app.close();
    }
  });

  it('answers 503 explaining DATABASE_URL when none is configured', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/analysis' });
      expect(res.statusCode).toBe(503);
      expect(mainOf(res.body)).toContain('no database is configured: start the server with DATABASE_URL set');
    } finally {
      await app.close();
    }
  });
});
