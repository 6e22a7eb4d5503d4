import { migrate, type Database, LoaderError } from 'loader';
import { SqliteWriter } from '../src/ingest/sqlite-writer';
import type { PostingValue } from '../src/ingest/validate-posting';
import { createTestDatabase, type TestDatabase } from 'tools/testing';

/**
 * SqliteWriter hands batches to a worker thread that owns its own SQLite
 * handle and commits every `rowsPerTransaction` rows. These tests drive it
 * directly with tiny transactions and a tiny queue, so that every path
 * (commits spanning batches, backpressure, failures in the thread, abort)
 * runs on a few rows.
 */

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function row(n: number, category = 'FLAT', price: number | null = n): PostingValue[] {
  return [uuid(n), category, n % 2 === 0 ? null : '01067', price, 50.5, '2021-02-01 10:00:00', 'ONLINE'];
}

function batch(...rows: PostingValue[][]): [PostingValue[], number] {
  return [rows.flat(), rows.length];
}

describe('SqliteWriter (worker thread)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let file: string;

  beforeEach(async () => {
    tdb = await createTestDatabase('sqlite');
    db = await tdb.open();
    await migrate(db);
    file = tdb.url.slice('sqlite:'.length);
  });

  afterEach(async () => {
    await db.close();
    await tdb.drop();
  });

  const postings = (): Promise<Array<{ uuid: string; category: string; zip_code: string | null; price: number | null }>> =>
    db.knex('postings').select('uuid', 'category', 'zip_code', 'price').orderBy('uuid');

  it('writes every batch through transactions that span batches, the later row of a uuid winning', async () => {
    const writer = new SqliteWriter(file, { rowsPerTransaction: 3, maxBatchesInFlight: 1 });
    await writer.begin();
    await writer.write(...batch(row(1), row(2)));
    await writer.write(...batch(row(3), row(1, 'SECOND')));
    await writer.write(...batch(row(4)));
    // 2 + 2 rows: the first transaction committed at 4 rows; row 4 is still open.
    await writer.write(...batch(row(2, 'THIRD', null)));
    const { replaced } = await writer.finish();
    expect(replaced).toBe(2);
    expect(await postings()).toEqual([
      { uuid: uuid(1), category: 'SECOND', zip_code: '01067', price: 1 },
      { uuid: uuid(2), category: 'THIRD', zip_code: null, price: null },
      { uuid: uuid(3), category: 'FLAT', zip_code: '01067', price: 3 },
      { uuid: uuid(4), category: 'FLAT', zip_code: null, price: 4 },
    ]);
  });

  it('keeps many batches in order through a full queue', async () => {
    const writer = new SqliteWriter(file, { rowsPerTransaction: 1000, maxBatchesInFlight: 2 });
    await writer.begin();
    for (let i = 0; i < 300; i++) await writer.write(...batch(row(i % 100, `C${i}`)));
    expect(await writer.finish()).toEqual({ replaced: 200 });
    const rows = await postings();
    expect(rows).toHaveLength(100);
    // Each uuid holds the category of its last write: batches 200-299.
    expect(rows.every((r, i) => r.category === `C${200 + i}`)).toBe(true);
  });

  it('grows a transaction to half the rows the table held when it began', async () => {
    const count = async (): Promise<number> => Number((await db.knex('postings').count({ n: '*' }))[0].n);
    const first = new SqliteWriter(file);
    await first.begin();
    await first.write(...batch(...Array.from({ length: 10 }, (_, i) => row(i))));
    await first.finish();
    // One batch in flight: each write returns once the thread has written it.
    const writer = new SqliteWriter(file, { rowsPerTransaction: 1, maxBatchesInFlight: 1 });
    await writer.begin();
    for (let n = 10; n < 14; n++) await writer.write(...batch(row(n)));
    expect(await count()).toBe(10); // 4 of 5 rows: still open
    await writer.write(...batch(row(14)));
    expect(await count()).toBe(15); // committed at 10 / 2 rows
    await writer.write(...batch(row(15)));
    expect(await count()).toBe(15); // the next one holds 15 / 2 rows
    expect(await writer.finish()).toEqual({ replaced: 0 });
    expect(await count()).toBe(16);
  });

  it('refreshes its load_runs heartbeat with each commit, so the load history sees it alive', async () => {
    const [id] = await db
      .knex('load_runs')
      .insert({ file_name: 'f.csv', started_at: '2021-01-01 00:00:00', heartbeat_at: '2021-01-01 00:00:00', outcome: 'running' });
    const heartbeat = async (): Promise<string> => String((await db.knex('load_runs').where({ id }).first()).heartbeat_at);
    const writer = new SqliteWriter(file, { rowsPerTransaction: 2, maxBatchesInFlight: 1, heartbeatRunId: Number(id) });
    await writer.begin();
    await writer.write(...batch(row(1)));
    // Nothing committed yet: no other connection could have written it.
    expect(await heartbeat()).toBe('2021-01-01 00:00:00');
    const before = new Date().toISOString().slice(0, 19).replace('T', ' ');
    await writer.write(...batch(row(2)));
    expect((await heartbeat()) >= before).toBe(true);
    await writer.finish();
  });

  it('counts rows already in the table as replaced', async () => {
    const first = new SqliteWriter(file);
    await first.begin();
    await first.write(...batch(row(1), row(2)));
    expect(await first.finish()).toEqual({ replaced: 0 });
    const second = new SqliteWriter(file);
    await second.begin();
    await second.write(...batch(row(2), row(3)));
    expect(await second.finish()).toEqual({ replaced: 1 });
  });

  it('reports a failure in the thread as LOADER_WRITE_FAILED and rolls back the open transaction', async () => {
    const writer = new SqliteWriter(file, { rowsPerTransaction: 2, maxBatchesInFlight: 1 });
    await writer.begin();
    await writer.write(...batch(row(1), row(2))); // committed
    await writer.write(...batch(row(3))); // open transaction
    // category is NOT NULL: the thread fails on this row.
    const failing = (async () => {
      await writer.write(...batch(row(4, null as unknown as string)));
      await writer.write(...batch(row(5)));
      return writer.finish();
    })();
    await expect(failing).rejects.toMatchObject({
      code: 'LOADER_WRITE_FAILED',
      message: expect.stringMatching(/NOT NULL constraint failed: postings\.category/),
    });
    await writer.abort();
    expect((await postings()).map((r) => r.uuid)).toEqual([uuid(1), uuid(2)]);
  });

  it('fails begin with LOADER_WRITE_FAILED when the thread cannot prepare (no postings table)', async () => {
    await db.knex.schema.dropTable('postings');
    const writer = new SqliteWriter(file);
    const error = await writer.begin().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoaderError);
    expect(error).toMatchObject({ code: 'LOADER_WRITE_FAILED', message: expect.stringMatching(/no such table: postings/) });
    await writer.abort();
  });

  it('abort rolls back what is not committed and stops the thread', async () => {
    const writer = new SqliteWriter(file, { rowsPerTransaction: 2, maxBatchesInFlight: 1 });
    await writer.begin();
    await writer.write(...batch(row(1), row(2)));
    await writer.write(...batch(row(3)));
    await writer.abort();
    expect((await postings()).map((r) => r.uuid)).toEqual([uuid(1), uuid(2)]);
    // The database is free again: a new writer can take the write lock at once.
    const again = new SqliteWriter(file);
    await again.begin();
    await again.write(...batch(row(3)));
    expect(await again.finish()).toEqual({ replaced: 0 });
  });
});
