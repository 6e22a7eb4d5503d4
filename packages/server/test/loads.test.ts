import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { loadCsv, migrate, openDatabase, type Database } from 'loader';
import { ENGINES, createTestDatabase, type TestDatabase } from 'tools/testing';
import { buildTestApp, mainOf } from './helpers';

const HEADER = 'uuid,category,zip_code,price,area,created_at,status';
const row = (n: number, price: string): string =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')},APARTMENT_RENT,,${price},50,2021-02-01 10:00:00,ONLINE`;

/** UTC 'YYYY-MM-DD HH:MM:SS', `minutesAgo` before now. */
const ago = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString().slice(0, 19).replace('T', ' ');

/** The pid of a process that has exited: what a SIGKILLed loader leaves in load_runs. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { encoding: 'utf8' });
  return child.pid;
}

describe.each(ENGINES)('GET /loads and /loads.json on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let gone: number;

  beforeAll(async () => {
    tdb = await createTestDatabase(engine);
    database = await tdb.open();
    await migrate(database);
    // Two real loads: January clean, February with one repeated uuid and two bad prices.
    fs.writeFileSync(path.join(tdb.dir, 'january.csv'), `${HEADER}\n${row(1, '500')}\n${row(2, '600')}\n`);
    fs.writeFileSync(
      path.join(tdb.dir, 'february.csv'),
      `${HEADER}\n${row(1, '550')}\n${row(3, 'x')}\n${row(4, '-1')}\n${row(5, '700')}\n`,
    );
    await loadCsv(database, path.join(tdb.dir, 'january.csv'), { rejectFile: null });
    await loadCsv(database, path.join(tdb.dir, 'february.csv'), { rejectFile: null });
    // Runs the loader did not finish, as they look in the table.
    gone = deadPid();
    const base = { file_bytes: 10, pid: 1, hostname: 'elsewhere' };
    await database.knex('load_runs').insert([
      {
        ...base,
        file_name: '/data/killed-here.csv',
        started_at: ago(3),
        heartbeat_at: ago(3),
        outcome: 'running',
        pid: gone,
        hostname: os.hostname(),
      },
      { ...base, file_name: '/data/silent-elsewhere.csv', started_at: ago(40), heartbeat_at: ago(20), outcome: 'running' },
      { ...base, file_name: '/data/busy-elsewhere.csv', started_at: ago(40), heartbeat_at: ago(1), outcome: 'running' },
      {
        ...base,
        file_name: '/data/broken.csv',
        started_at: ago(2),
        finished_at: ago(1),
        outcome: 'failed',
        error: 'the database write failed: disk full',
      },
    ]);
    app = await buildTestApp({ database });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await tdb?.drop();
  });

  it('lists the loads newest first, with outcome, counts and rejects by reason', async () => {
    const res = await app.inject({ method: 'GET', url: '/loads.json' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ limit: number; loads: Array<Record<string, unknown>> }>();
    expect(body.limit).toBe(100);
    expect(body.loads.map((l) => [path.basename(String(l.file)), l.outcome, l.message])).toEqual([
      ['broken.csv', 'failed', 'the database write failed: disk full'],
      ['busy-elsewhere.csv', 'running', null],
      ['silent-elsewhere.csv', 'interrupted', expect.stringMatching(/^no sign of life since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)],
      ['killed-here.csv', 'interrupted', `the loader process (pid ${gone} on ${os.hostname()}) stopped before the load finished`],
      ['february.csv', 'finished', null],
      ['january.csv', 'finished', null],
    ]);
    expect(body.loads[4]).toMatchObject({
      rowsRead: 4,
      rowsLoaded: 2,
      rowsReplaced: 1,
      rowsRejected: 2,
      rejectedByReason: { bad_price: 2 },
    });
    expect(body.loads[5]).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsReplaced: 0, rowsRejected: 0, rejectedByReason: {} });
    expect(body.loads[5].startedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(body.loads[5].seconds).toEqual(expect.any(Number));
    expect(body.loads[3]).toMatchObject({ finishedAt: null, seconds: null, rowsRead: null, rejectedByReason: null });
    // The table still says running: the server shows, the next load on that host marks.
    expect((await database.knex('load_runs').where({ pid: gone }).first()).outcome).toBe('running');
  });

  it('bounds the list with limit, and refuses a limit outside 1-1000', async () => {
    const two = await app.inject({ method: 'GET', url: '/loads.json?limit=2' });
    expect({ status: two.statusCode, body: two.statusCode === 200 ? '' : two.body }).toEqual({ status: 200, body: '' });
    expect(two.json().loads.map((l: { file: string }) => path.basename(l.file))).toEqual(['broken.csv', 'busy-elsewhere.csv']);
    for (const limit of ['0', '1001', 'ten']) {
      const res = await app.inject({ method: 'GET', url: `/loads.json?limit=${limit}` });
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 400,
        body: { error: 'SERVER_VALIDATION', message: `limit must be a whole number from 1 to 1000, got ${limit}` },
      });
    }
  });

  it('shows the same as a page, linked from the navigation of every page', async () => {
    const res = await app.inject({ method: 'GET', url: '/loads' });
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    const rows = [...main.matchAll(/<tr class="outcome-(\w+)" data-id="\d+">\s*<td title="([^"]+)">/g)].map((m) => [
      m[1],
      path.basename(m[2]),
    ]);
    expect(rows).toEqual([
      ['failed', 'broken.csv'],
      ['running', 'busy-elsewhere.csv'],
      ['interrupted', 'silent-elsewhere.csv'],
      ['interrupted', 'killed-here.csv'],
      ['finished', 'february.csv'],
      ['finished', 'january.csv'],
    ]);
    expect(main).toContain('the database write failed: disk full');
    expect(main).toMatch(/<code>bad_price<\/code> 2/);
    for (const url of ['/', '/loads', '/analysis', '/single_prediction', '/batch_prediction']) {
      const page = await app.inject({ method: 'GET', url });
      expect({ url, linked: page.body.includes('<a href="/loads">Loads</a>') }).toEqual({ url, linked: true });
    }
  });
});

describe('GET /loads without loads', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-loads-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers 503 without a database, as a page and as JSON', async () => {
    const app = await buildTestApp({ database: null });
    try {
      const json = await app.inject({ method: 'GET', url: '/loads.json' });
      expect({ status: json.statusCode, error: json.json().error }).toEqual({ status: 503, error: 'SERVER_DATABASE_UNAVAILABLE' });
      const page = await app.inject({ method: 'GET', url: '/loads' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toContain('text/html');
    } finally {
      await app.close();
    }
  });

  it('lists nothing for a database nobody has loaded into yet', async () => {
    const database = await openDatabase(`sqlite:${path.join(dir, 'fresh.sqlite')}`);
    const app = await buildTestApp({ database });
    try {
      expect((await app.inject({ method: 'GET', url: '/loads.json' })).json()).toEqual({ limit: 100, loads: [] });
      expect(mainOf((await app.inject({ method: 'GET', url: '/loads' })).body)).toContain('No load has been recorded yet');
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('is in the OpenAPI document with its query and response schemas', async () => {
    const app = await buildTestApp();
    try {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      const json = doc.paths['/loads.json'].get;
      expect(json.parameters).toEqual([expect.objectContaining({ name: 'limit', in: 'query' })]);
      expect(Object.keys(json.responses)).toEqual(['200', '400', '503']);
      expect(Object.keys(json.responses['200'].content['application/json'].schema.properties.loads.items.properties)).toEqual(
        expect.arrayContaining([
          'file',
          'startedAt',
          'seconds',
          'outcome',
          'message',
          'rowsRead',
          'rowsLoaded',
          'rowsReplaced',
          'rowsRejected',
          'rejectedByReason',
        ]),
      );
      expect(Object.keys(doc.paths['/loads'].get.responses)).toEqual(['200', '400', '503']);
    } finally {
      await app.close();
    }
  });
});
