import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCsv, openDatabase } from 'loader';
import { postingsStream } from 'tools';
import { startServer, type RunningServer } from 'server';
import { testModel } from '../helpers';
import { findMariadb, PrivateMariadb } from './private-mariadb';

/**
 * The database goes away while the server runs, then comes back. Run on a
 * private MariaDB (own datadir and port) so stopping it cannot disturb the
 * shared instance the other suites use. Promises under test: predictions
 * never need the database; /readyz stays ready and reports the database
 * unreachable, /analysis says "unavailable" (503, not 500) while it is down; both recover on their own once it is back,
 * with no restart of the server.
 */

const binaries = findMariadb();
if (typeof binaries === 'string') {
  // Printed, not silent: say what was not tested.
  console.warn(`database outage test skipped: ${binaries}`);
}
const describeWithMariadb = typeof binaries === 'string' ? describe.skip : describe;

describeWithMariadb('the server when its database goes away and comes back', () => {
  let mariadb: PrivateMariadb | null = null;
  let server: RunningServer | null = null;
  let base = '';

  beforeAll(async () => {
    mariadb = await PrivateMariadb.create(binaries as Exclude<typeof binaries, string>);
    await mariadb.start();
    const admin = await openDatabase(mariadb.url('mysql'));
    try {
      await admin.knex.raw('CREATE DATABASE rxd CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    } finally {
      await admin.close();
    }
    // A month of postings, so /analysis has something to answer.
    const db = await openDatabase(mariadb.url('rxd'));
    try {
      await loadCsv(db, postingsStream({ rows: 3000, seed: 11 }), { rejectFile: null });
    } finally {
      await db.close();
    }
    const modelPath = path.join(mariadb.dir, 'model.json');
    fs.writeFileSync(modelPath, JSON.stringify(testModel()));
    server = await startServer({
      DATABASE_URL: mariadb.url('rxd'),
      MODEL_PATH: modelPath,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    const address = server.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on TCP');
    base = `http://127.0.0.1:${address.port}`;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await mariadb?.destroy();
  }, 60_000);

  async function get(pathAndQuery: string): Promise<{ status: number; body: string; type: string; ms: number }> {
    const started = Date.now();
    const response = await fetch(`${base}${pathAndQuery}`, {
      headers: { accept: pathAndQuery.startsWith('/analysis') ? 'text/html' : 'application/json' },
    });
    const body = await response.text();
    return { status: response.status, body, type: response.headers.get('content-type') ?? '', ms: Date.now() - started };
  }

  /** Polls `pathAndQuery` until it answers `status`; returns how long that took. */
  async function until(pathAndQuery: string, status: number, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last = { status: 0, body: '' };
    while (Date.now() - started < timeoutMs) {
      last = await get(pathAndQuery);
      if (last.status === status) return Date.now() - started;
      await sleep(200);
    }
    throw new Error(`${pathAndQuery} still answers ${last.status} after ${timeoutMs} ms: ${last.body.slice(0, 300)}`);
  }

  it('serves everything while the database is up', async () => {
    expect(await get('/readyz')).toMatchObject({ status: 200 });
    expect(JSON.parse((await get('/predict?x=2')).body)).toMatchObject({ prediction: 9 });
    const analysis = await get('/analysis');
    expect(analysis.status).toBe(200);
    expect(analysis.body).toContain('February 2021');
  });

  it('keeps predicting and says 503 "unavailable" while it is down, then recovers by itself', async () => {
    await mariadb!.stop();

    // Readiness is about predictions: still ready; the database is reported
    // as unreachable once the background check has run.
    await server!.app.database.refresh();
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { model: 'ok', database: 'unreachable' } });
    expect(ready.ms).toBeLessThan(5000);

    for (let i = 0; i < 5; i++) {
      const predict = await get('/predict?x=2');
      expect(predict.status).toBe(200);
      expect(JSON.parse(predict.body)).toMatchObject({ x: 2, prediction: 9 });
    }

    const page = await get('/analysis');
    expect(page.status).toBe(503);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toMatch(/the database is unavailable/);
    const csv = await get('/analysis/q1.csv');
    expect(csv.status).toBe(503);
    expect(JSON.parse(csv.body)).toMatchObject({ error: 'SERVER_DATABASE_UNAVAILABLE' });

    // Back on the same datadir and port: no restart of the server.
    await mariadb!.start();
    await until('/analysis', 200, 30_000);
    await server!.app.database.refresh();
    expect(JSON.parse((await get('/readyz')).body)).toMatchObject({ checks: { database: 'ok' } });
    const again = await get('/analysis');
    expect(again.status).toBe(200);
    expect(again.body).toContain('February 2021');
    expect((await get('/analysis/q1.csv')).status).toBe(200);
    expect((await get('/predict?x=2')).status).toBe(200);
  }, 120_000);
});
