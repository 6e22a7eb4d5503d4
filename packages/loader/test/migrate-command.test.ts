import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMigrateCommand } from '../src/cli/migrate-command';
import { openDatabase } from 'loader';
import { ENGINES, createTestDatabase, fakeIo } from 'tools/testing';

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

/** The migrations of this version, by their files: what --status must list, in order. */
const MIGRATION_NAMES = fs
  .readdirSync(path.join(__dirname, '..', 'src', 'db', 'migrations'))
  .filter((f) => /^\d{14}_\w+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe.each(ENGINES)('realxdeal-loader migrate --status and --rollback on %s', (engine) => {
  async function run(url: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = fakeIo({ DATABASE_URL: url });
    const code = await runMigrateCommand(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  async function hasPostings(url: string): Promise<boolean> {
    const db = await openDatabase(url);
    try {
      return await db.knex.schema.hasTable('postings');
    } finally {
      await db.close();
    }
  }

  it('shows every migration pending on a fresh database, then applied in batch 1', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      expect(MIGRATION_NAMES.length).toBeGreaterThanOrEqual(3);
      const fresh = await run(tdb.url, '--status');
      expect(fresh.code).toBe(0);
      expect(fresh.out.split('\n').slice(1)).toEqual([
        ...MIGRATION_NAMES.map((name) => `  pending            ${name}`),
        `0 applied, ${MIGRATION_NAMES.length} pending`,
        '',
      ]);
      expect(await hasPostings(tdb.url)).toBe(false);

      expect((await run(tdb.url)).code).toBe(0);
      const migrated = await run(tdb.url, '--status');
      expect(migrated.out.split('\n').slice(1)).toEqual([
        ...MIGRATION_NAMES.map((name) => `  applied  batch 1   ${name}`),
        `${MIGRATION_NAMES.length} applied, 0 pending`,
        '',
      ]);
    } finally {
      await tdb.drop();
    }
  });

  it('rolls back the last batch only: a release that added one migration', async () => {
    const tdb = await createTestDatabase(engine);
    const last = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];
    try {
      expect((await run(tdb.url)).code).toBe(0);
      // As if the last migration had come with a later release: batch 2.
      const db = await openDatabase(tdb.url);
      try {
        await db.knex('knex_migrations').where({ name: last }).update({ batch: 2 });
      } finally {
        await db.close();
      }
      const rolled = await run(tdb.url, '--rollback');
      expect(rolled.out).toMatch(new RegExp(`^rolled back 1 migration of .+:\\n  ${last}\\n$`));
      const status = await run(tdb.url, '--status');
      expect(status.out).toContain(`  pending            ${last}\n`);
      expect(status.out).toContain(`${MIGRATION_NAMES.length - 1} applied, 1 pending\n`);
      expect(await hasPostings(tdb.url)).toBe(true);
    } finally {
      await tdb.drop();
    }
  });

  it('reports a migration a newer version applied, and will not roll back over it', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      expect((await run(tdb.url)).code).toBe(0);
      const db = await openDatabase(tdb.url);
      try {
        await db.knex('knex_migrations').insert({ name: '29990101000000_from_the_future', batch: 2, migration_time: new Date() });
      } finally {
        await db.close();
      }
      const status = await run(tdb.url, '--status');
      expect(status.out).toContain('  applied  batch 2   29990101000000_from_the_future  (not a migration of this version)\n');
      expect(status.out).toContain(`${MIGRATION_NAMES.length + 1} applied, 0 pending (1 from a newer version)\n`);

      const refused = await run(tdb.url, '--rollback');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(
        'the database has migrations this version does not have (29990101000000_from_the_future): roll back with the version that applied them',
      );
      expect(await hasPostings(tdb.url)).toBe(true);
    } finally {
      await tdb.drop();
    }
  });

  it('--rollback undoes batch 1 (the schema, rows included); the next migrate restores it', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      expect((await run(tdb.url)).code).toBe(0);
      const rolled = await run(tdb.url, '--rollback');
      expect(rolled.code).toBe(0);
      expect(rolled.out.split('\n').slice(1)).toEqual([...[...MIGRATION_NAMES].reverse().map((n) => `  ${n}`), '']);
      expect(rolled.out.split('\n')[0]).toMatch(new RegExp(`^rolled back ${MIGRATION_NAMES.length} migrations of .+:$`));
      expect(await hasPostings(tdb.url)).toBe(false);
      expect((await run(tdb.url, '--rollback', '--all')).out).toMatch(/^nothing to roll back in /);
      expect((await run(tdb.url)).code).toBe(0);
      expect(await hasPostings(tdb.url)).toBe(true);
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

  it.each([
    [['--status', '--rollback'], 'give --status or --rollback, not both'],
    [['--all'], '--all goes with --rollback'],
  ])('refuses %j before touching a database, exit 1', async (argv, message) => {
    const io = fakeIo({ DATABASE_URL: 'mysql://app:pw@127.0.0.1:1/db' });
    expect(await runMigrateCommand(argv, io)).toBe(1);
    expect(io.err()).toMatch(new RegExp(`^error: ${message}\\n\\nusage: realxdeal-loader migrate`));
  });

  it('names an unreachable database in one line, exit 2', async () => {
    const io = fakeIo({ DATABASE_URL: 'mysql://app:hunter2@127.0.0.1:1/db' });
    expect(await runMigrateCommand([], io)).toBe(2);
    expect(io.err()).toMatch(/^error: cannot reach the database mysql:\/\/app:\*\*\*@127\.0\.0\.1:1\/db: /);
    expect(io.err()).not.toContain('hunter2');
  });
});
