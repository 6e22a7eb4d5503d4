import * as fs from 'node:fs';
import * as path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { LoaderError, LoaderErrorCode } from '../errors';
import { DatabaseTarget, parseDatabaseUrl, redactUrl } from './database-url';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  readonly knex: Knex;
  readonly dialect: Dialect;
  /** The URL with its password replaced: safe for logs and messages. */
  readonly description: string;
  readonly target: DatabaseTarget;
  close(): Promise<void>;
}

interface MysqlCallbackConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/**
 * Opens the database named by `url` (or DATABASE_URL, or the embedded
 * default) and proves it answers, so a bad URL or an unreachable server
 * surfaces here as one LoaderError line instead of a stack trace later.
 */
export async function openDatabase(url: string | undefined = process.env.DATABASE_URL): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const knex = target.dialect === 'sqlite' ? openSqlite(target.filename) : openMysql(target);
  try {
    await knex.raw('select 1');
  } catch (error) {
    await knex.destroy().catch(() => undefined);
    throw new LoaderError(
      LoaderErrorCode.DATABASE_UNREACHABLE,
      `cannot reach the database ${target.description}: ${describeConnectError(error)}`,
      { cause: error },
    );
  }
  return {
    knex,
    dialect: target.dialect,
    description: target.description,
    target,
    close: () => knex.destroy(),
  };
}

/**
 * Knex prints its own warnings (e.g. "Connection Error: … lost") to stdout,
 * which would corrupt a server's JSON log stream: send them to stderr,
 * redacted, as single lines. Its "Acquire connection error" is dropped:
 * knex throws that same error to the caller, which reports it (the CLI in
 * its one error line, the server in its log), so printing it as well made
 * "database unreachable" two lines.
 */
const knexLog = {
  warn: (message: unknown) => {
    const text = String(message);
    if (text.startsWith('Acquire connection error')) return;
    process.stderr.write(`knex warning: ${redactUrl(text).split('\n')[0]}\n`);
  },
  error: (message: unknown) => process.stderr.write(`knex error: ${redactUrl(String(message)).split('\n')[0]}\n`),
  deprecate: () => undefined,
  debug: () => undefined,
};

function openSqlite(filename: string): Knex {
  try {
    fs.mkdirSync(path.dirname(filename), { recursive: true });
  } catch (error) {
    throw new LoaderError(LoaderErrorCode.DATABASE_UNREACHABLE, `cannot create the folder for ${filename}: ${(error as Error).message}`);
  }
  return knexFactory({
    client: 'better-sqlite3',
    log: knexLog,
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      // WAL lets the dashboard read while a load writes; NORMAL sync is
      // still safe against a killed process (only an OS crash can lose the
      // last commits), which is the failure a loader actually meets.
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('busy_timeout = 10000');
          done(null, conn);
        } catch (error) {
          done(error as Error, conn);
        }
      },
    },
  });
}

function openMysql(target: Extract<DatabaseTarget, { dialect: 'mysql' }>): Knex {
  return knexFactory({
    client: 'mysql2',
    log: knexLog,
    connection: {
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4',
      // Timestamps are UTC wall-clock strings end to end: no JS Date ever
      // sees them, so the process time zone cannot shift a posting's day.
      timezone: 'Z',
      dateStrings: true,
      connectTimeout: 5000,
      multipleStatements: false,
    },
    pool: {
      min: 0,
      max: 4,
      afterCreate(conn: MysqlCallbackConnection, done: (err: Error | null, conn: unknown) => void) {
        conn.query("SET time_zone = '+00:00'", (error) => done(error, conn));
      },
    },
    acquireConnectionTimeout: 10000,
  });
}

function describeConnectError(error: unknown): string {
  const err = error as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  const parts: string[] = [];
  if (err.code) parts.push(err.code);
  const message = err.message || err.errors?.map((e) => e.message).join('; ') || String(error);
  parts.push(message.split('\n')[0]);
  return redactUrl(parts.join(' '));
}
