import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ANSWER_TABLES } from 'analysis';
import { loadCsv, openDatabase, type Database } from 'loader';
import { postingsStream } from 'tools';
import { buildTestApp } from '../helpers';

/**
 * The server against a million postings in SQLite (the `npm start`
 * default): no request may read the postings table. Building the database
 * takes a minute or more on a busy machine, so it is built once, by the
 * loader from the seeded generator, into a file in the temp folder that
 * later runs reuse (written under a temporary name, renamed when complete,
 * so a run that dies leaves nothing half-built to reuse).
 */
const ROWS = 1_000_000;
const SEED = 2021;
/** Bump when the schema or the generator changes, so a stale cache is not reused. */
const CACHE_VERSION = 'v2';
const CACHE = path.join(os.tmpdir(), `realxdeal-robustness-${ROWS}-seed${SEED}-${CACHE_VERSION}`);

/** Statements that read or write the postings table (not a column named postings). */
const TOUCHES_POSTINGS = /\b(from|join|into|update|table)\s+[`"]?postings\b/i;

interface Built {
  file: string;
  /** Distinct postings the generator's manifest says the file holds. */
  distinct: number;
}

async function millionRowDatabase(): Promise<Built> {
  const file = `${CACHE}.sqlite`;
  const manifestFile = `${CACHE}.json`;
  if (fs.existsSync(file) && fs.existsSync(manifestFile)) {
    return { file, distinct: (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { expectedDistinct: number }).expectedDistinct };
  }
  const building = fs.mkdtempSync(path.join(os.tmpdir(), 'realxdeal-1m-build-'));
  try {
    const db = await openDatabase(`sqlite:${path.join(building, 'db.sqlite')}`);
    const stream = postingsStream({ rows: ROWS, seed: SEED });
    try {
      await loadCsv(db, stream, { rejectFile: null });
    } finally {
      await db.close();
    }
    fs.writeFileSync(path.join(building, 'manifest.json'), JSON.stringify(stream.manifest));
    // The database first: a manifest beside it marks the cache complete.
    fs.renameSync(path.join(building, 'db.sqlite'), file);
    fs.renameSync(path.join(building, 'manifest.json'), manifestFile);
    return { file, distinct: stream.manifest.expectedDistinct };
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
}

describe('the analysis routes on a million postings in SQLite', () => {
  let built: Built;
  let database: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    built = await millionRowDatabase();
    database = await openDatabase(`sqlite:${built.file}`);
    app = await buildTestApp({ database });
  }, 900_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers every analysis route from the stored answers, never reading postings', async () => {
    const urls = [
      '/analysis',
      '/analysis?month=2021-02&drop=-50&spike=100',
      '/analysis?month=2021-01',
      '/analysis.json',
      '/analysis.json?spike=20',
      ...['q1', 'q2', 'q3', 'q4', 'q5', 'weekday'].map((key) => `/analysis/${key}.csv?drop=-10`),
      '/readyz',
      '/predict?x=50',
    ];
    const perRequest: string[][] = [];
    for (const url of urls) {
      const sql: string[] = [];
      const listener = (query: { sql: string }): void => void sql.push(query.sql);
      database.knex.on('query', listener);
      try {
        const res = await app.inject({ method: 'GET', url });
        expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      } finally {
        database.knex.removeListener('query', listener);
      }
      perRequest.push(sql);
    }
    expect(perRequest.flat().filter((s) => TOUCHES_POSTINGS.test(s))).toEqual([]);
    // A handful of reads of the small answer tables per request, whatever the table size:
    // the latest set's key, then (for a view not kept) the set, months, categories and days in a transaction.
    for (const sql of perRequest) expect(sql.length).toBeLessThanOrEqual(8);
    expect(perRequest.flat().some((s) => s.includes(ANSWER_TABLES.days))).toBe(true);
  });

  it('serves the month the generator wrote, with every distinct posting counted', async () => {
    const json = (await app.inject({ method: 'GET', url: '/analysis.json' })).json<{
      month: string;
      months: Array<{ month: string; postings: number }>;
    }>();
    expect(json.month).toBe('2021-02');
    expect(json.months).toEqual([{ month: '2021-02', postings: built.distinct }]);
  });
});
