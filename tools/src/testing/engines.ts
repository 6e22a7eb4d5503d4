import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, Database } from 'loader';

/**
 * Every database test runs once per engine. SQLite always; MySQL/MariaDB
 * when MYSQL_URL is set (CI sets it). Each test database is created fresh
 * and dropped afterwards, so suites never see each other's rows.
 */
export type EngineName = 'sqlite' | 'mysql';

export const MYSQL_URL = process.env.MYSQL_URL?.trim() || undefined;

export const ENGINES: EngineName[] = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

// Printed, not silent: a run without MySQL must say what it did not test.
// (Once per test file: each file loads this module once.)
if (!MYSQL_URL) {
  console.warn('MYSQL_URL is not set: the MySQL/MariaDB variants of the database tests are skipped.');
}

export interface TestDatabase {
  url: string;
  /** A folder for this test's files (CSV inputs, reject files, answers). */
  dir: string;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rxd-${engine}-`));
  if (engine === 'sqlite') {
    const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
    return {
      url,
      dir,
      open: () => openDatabase(url),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!MYSQL_URL) throw new Error('MYSQL_URL is not set');
  const name = `rxd_test_${randomBytes(5).toString('hex')}`;
  const admin = await openDatabase(MYSQL_URL);
  try {
    await admin.knex.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.close();
  }
  const base = new URL(MYSQL_URL);
  base.pathname = `/${name}`;
  const url = base.toString();
  return {
    url,
    dir,
    open: () => openDatabase(url),
    drop: async () => {
      const again = await openDatabase(MYSQL_URL);
      try {
        await again.knex.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await again.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
