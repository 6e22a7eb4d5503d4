import { migrate, migrateDown } from 'loader';
import { ENGINES, createTestDatabase } from 'tools/testing';

const ANSWER_TABLE_NAMES = ['answer_sets', 'answer_category', 'answer_months', 'answer_daily_counts'];

describe.each(ENGINES)('migrations on %s', (engine) => {
  it('creates postings, load_runs and the answer tables, is idempotent, and rolls back to nothing', async () => {
    const tdb = await createTestDatabase(engine);
    const db = await tdb.open();
    try {
      await migrate(db);
      await migrate(db); // a second run before every load must be a no-op
      expect(await db.knex.schema.hasTable('postings')).toBe(true);
      expect(await db.knex.schema.hasTable('load_runs')).toBe(true);
      for (const table of ANSWER_TABLE_NAMES) expect(await db.knex.schema.hasTable(table)).toBe(true);
      for (const column of ['uuid', 'category', 'zip_code', 'price', 'area', 'created_at', 'status']) {
        expect(await db.knex.schema.hasColumn('postings', column)).toBe(true);
      }
      await migrateDown(db);
      expect(await db.knex.schema.hasTable('postings')).toBe(false);
      expect(await db.knex.schema.hasTable('load_runs')).toBe(false);
      for (const table of ANSWER_TABLE_NAMES) expect(await db.knex.schema.hasTable(table)).toBe(false);
    } finally {
      await db.close();
      await tdb.drop();
    }
  });

  it('compares text exactly: online and ONLINE are different statuses', async () => {
    const tdb = await createTestDatabase(engine);
    const db = await tdb.open();
    try {
      await migrate(db);
      const row = { category: 'C', zip_code: null, price: null, area: null, created_at: '2021-02-01 00:00:00' };
      await db.knex('postings').insert([
        { ...row, uuid: '00000000-0000-0000-0000-000000000001', status: 'ONLINE' },
        { ...row, uuid: '00000000-0000-0000-0000-000000000002', status: 'online' },
      ]);
      const hits = await db.knex('postings').where({ status: 'ONLINE' }).count({ n: '*' });
      expect(Number(hits[0].n)).toBe(1);
    } finally {
      await db.close();
      await tdb.drop();
    }
  });
});
