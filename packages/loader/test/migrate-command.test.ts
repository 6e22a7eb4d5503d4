import { runMigrateCommand } from '../src/cli/migrate-command';
import { openDatabase } from 'loader';
import { ENGINES, createTestDatabase } from './helpers/engines';
import { fakeIo } from './helpers/fake-io';

describe.each(ENGINES)('realxdeal-loader migrate on %s', (engine) => {
  it('creates the schema and says so; a second run changes nothing', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      const io = fakeIo({ DATABASE_URL: tdb.url });
      expect(await runMigrateCommand([], io)).toBe(0);
      expect(io.out()).toMatch(/^schema of .* is up to date\n$/);
      expect(await runMigrateCommand([], fakeIo({ DATABASE_URL: tdb.url }))).toBe(0);
      const db = await openDatabase(tdb.url);
      try {
        expect(await db.knex.schema.hasTable('postings')).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      await tdb.drop();
    }
  });
});

describe('realxdeal-loader migrate errors', () => {
  it('refuses an unknown flag with the usage, exit 1', async () => {
    const io = fakeIo();
    expect(await runMigrateCommand(['--force'], io)).toBe(1);
    expect(io.err()).toContain("Unknown option '--force'");
    expect(io.err()).toContain('usage: realxdeal-loader migrate');
  });

  it('names an unreachable database in one line, exit 2', async () => {
    const io = fakeIo({ DATABASE_URL: 'mysql://app:hunter2@127.0.0.1:1/db' });
    expect(await runMigrateCommand([], io)).toBe(2);
    expect(io.err()).toMatch(/^error: cannot reach the database mysql:\/\/app:\*\*\*@127\.0\.0\.1:1\/db: /);
    expect(io.err()).not.toContain('hunter2');
  });
});
