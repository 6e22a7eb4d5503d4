import { migrate, type Database } from 'loader';
import { createTestDatabase, type EngineName, type TestDatabase } from './engines';
import type { FixturePosting } from './market-fixture';

export interface SeededDatabase {
  tdb: TestDatabase;
  db: Database;
  /** Closes the connection and drops the database. */
  dispose(): Promise<void>;
}

/** A fresh, migrated test database holding exactly `rows`. */
export async function seededDatabase(engine: EngineName, rows: readonly FixturePosting[]): Promise<SeededDatabase> {
  const tdb = await createTestDatabase(engine);
  const db = await tdb.open();
  try {
    await migrate(db);
    // Small chunks stay under every engine's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 50) {
      await db.knex('postings').insert(rows.slice(i, i + 50));
    }
  } catch (error) {
    await db.close();
    await tdb.drop();
    throw error;
  }
  return {
    tdb,
    db,
    dispose: async () => {
      await db.close();
      await tdb.drop();
    },
  };
}
