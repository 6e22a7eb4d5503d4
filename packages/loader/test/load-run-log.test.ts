import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { migrate, type Database } from 'loader';
import { LoadRunLog, LOAD_HEARTBEAT_SECONDS, markInterruptedRuns } from '../src/ingest/load-run-log';
import { ENGINES, createTestDatabase, type TestDatabase } from 'tools/testing';

describe.each(ENGINES)('load_runs bookkeeping on %s', (engine) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    db = await tdb.open();
    await migrate(db);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await db.close();
    await tdb.drop();
  });

  it("records this process's pid and host, and beats no more often than every 30 s", async () => {
    const log = await LoadRunLog.start(db, '/data/feb.csv', 100);
    const row = async () => db.knex('load_runs').where({ id: log.id }).first();
    expect(await row()).toMatchObject({ pid: process.pid, hostname: os.hostname(), outcome: 'running' });
    await db.knex('load_runs').where({ id: log.id }).update({ heartbeat_at: '2021-01-01 00:00:00' });
    await log.beatIfDue();
    expect(String((await row()).heartbeat_at)).toContain('2021-01-01');
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + LOAD_HEARTBEAT_SECONDS * 1000 + 1);
    await log.beatIfDue();
    expect(String((await row()).heartbeat_at)).not.toContain('2021-01-01');
  });

  it("marks this host's running runs whose process is gone as interrupted, and nothing else", async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const base = { started_at: '2021-02-01 00:00:00', outcome: 'running' };
    await db.knex('load_runs').insert([
      { ...base, file_name: 'gone.csv', pid: gone, hostname: os.hostname() },
      { ...base, file_name: 'alive.csv', pid: process.pid, hostname: os.hostname() },
      { ...base, file_name: 'elsewhere.csv', pid: gone, hostname: 'another-host' },
      { ...base, file_name: 'before-pids.csv' },
      { ...base, file_name: 'done.csv', pid: gone, hostname: os.hostname(), outcome: 'finished' },
    ]);
    expect(await markInterruptedRuns(db)).toBe(1);
    const rows = await db.knex('load_runs').select('file_name', 'outcome', 'error').orderBy('id');
    expect(rows).toEqual([
      {
        file_name: 'gone.csv',
        outcome: 'interrupted',
        error: `the loader process (pid ${gone} on ${os.hostname()}) stopped before the load finished`,
      },
      { file_name: 'alive.csv', outcome: 'running', error: null },
      { file_name: 'elsewhere.csv', outcome: 'running', error: null },
      { file_name: 'before-pids.csv', outcome: 'running', error: null },
      { file_name: 'done.csv', outcome: 'finished', error: null },
    ]);
  });
});
