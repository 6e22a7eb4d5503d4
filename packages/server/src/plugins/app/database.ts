import fp from 'fastify-plugin';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from 'loader';
import { ServerError, ServerErrorCode } from '../../errors';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseSlot;
  }
}

export type DatabaseStatus = 'ok' | 'not configured' | 'unreachable';

/** How often the background health check runs. */
export const DATABASE_CHECK_INTERVAL_MS = 5000;

type HealthLog = Pick<FastifyBaseLogger, 'info' | 'warn'>;

/**
 * Holds the database the app reads, which may arrive after start: when the
 * server boots while the database is down it keeps serving predictions and
 * `retry` plugs the database in once it answers. The slot never closes a
 * database; whoever opened it does (server.ts), after `app.close()`.
 *
 * Its health is checked in the background (`watch`) and cached in
 * `status`: /readyz and /metrics read the cache, so a probe never waits
 * behind request queries for a pooled connection, and a slow database
 * never holds a probe past the kubelet's timeout.
 */
export class DatabaseSlot {
  private db: Database | null;
  private timer: NodeJS.Timeout | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastStatus: DatabaseStatus;
  private log: HealthLog | null = null;

  /** `configured` is true when a database is expected even if it is not connected. */
  constructor(
    db: Database | null,
    readonly configured: boolean,
  ) {
    this.db = db;
    this.lastStatus = db === null ? this.absentStatus() : 'ok';
  }

  private absentStatus(): DatabaseStatus {
    return this.configured ? 'unreachable' : 'not configured';
  }

  /** The result of the latest health check (see `refresh`). */
  get status(): DatabaseStatus {
    return this.lastStatus;
  }

  get current(): Database | null {
    return this.db;
  }

  /**
   * The connected database, or DATABASE_UNAVAILABLE (503) saying why there
   * is none; `toConfigure` ends the advice given when none is configured.
   */
  require(toConfigure = ''): Database {
    if (this.db !== null) return this.db;
    throw new ServerError(
      ServerErrorCode.DATABASE_UNAVAILABLE,
      this.configured
        ? 'the database is unavailable: it did not answer when the server started; the server keeps trying'
        : `no database is configured: start the server with DATABASE_URL set (e.g. sqlite:data/realxdeal.sqlite)${toConfigure}`,
    );
  }

  /** DATABASE_UNAVAILABLE (503) for a query that failed because the database stopped answering. */
  static notAnswering(cause?: unknown): ServerError {
    return new ServerError(ServerErrorCode.DATABASE_UNAVAILABLE, 'the database is unavailable: it does not answer right now', { cause });
  }

  set(db: Database): void {
    this.db = db;
    void this.refresh();
  }

  /** Calls `open` every `intervalMs` until it succeeds, then adopts the result. */
  retry(open: () => Promise<Database>, intervalMs: number, log: Pick<FastifyBaseLogger, 'info' | 'debug'>): void {
    if (this.timer !== null || this.stopped) return;
    const attempt = (): void => {
      this.timer = null;
      open().then(
        (db) => {
          // The app closed while this attempt was under way: nobody will close it later.
          if (this.stopped) return void db.close().catch(() => undefined);
          this.set(db);
          log.info({ database: db.description }, 'database is reachable again');
        },
        (error: unknown) => {
          if (this.stopped) return;
          log.debug({ err: error }, 'database still unreachable');
          this.timer = setTimeout(attempt, intervalMs);
          this.timer.unref();
        },
      );
    };
    this.timer = setTimeout(attempt, intervalMs);
    this.timer.unref();
  }

  stopRetrying(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.watchTimer !== null) clearTimeout(this.watchTimer);
    this.watchTimer = null;
  }

  /** Runs one health check now and caches its result; logs when the status changes. */
  async refresh(): Promise<DatabaseStatus> {
    const { status, error } = await this.check();
    if (status !== this.lastStatus) {
      if (status === 'ok') this.log?.info({ database: status }, 'database health: ok');
      else this.log?.warn({ err: error, database: status }, 'database health: not ok');
    }
    this.lastStatus = status;
    return status;
  }

  /**
   * Checks now, then every `intervalMs` after each check ends (checks never
   * overlap), until `stopRetrying`. The timer does not keep the process alive.
   */
  async watch(intervalMs: number, log: HealthLog): Promise<void> {
    this.log = log;
    await this.refresh();
    const next = (): void => {
      if (this.stopped) return;
      this.watchTimer = setTimeout(() => {
        this.watchTimer = null;
        void this.refresh().finally(next);
      }, intervalMs);
      this.watchTimer.unref();
    };
    next();
  }

  /**
   * `select 1` with a deadline: a half-open TCP connection to MySQL would
   * otherwise hold a readiness probe far past the kubelet's timeout.
   */
  async check(timeoutMs = 2000): Promise<{ status: DatabaseStatus; error?: unknown }> {
    const db = this.db;
    if (db === null) return { status: this.configured ? 'unreachable' : 'not configured' };
    try {
      await db.knex.raw('select 1').timeout(timeoutMs, { cancel: false });
      return { status: 'ok' };
    } catch (error) {
      return { status: 'unreachable', error };
    }
  }
}

export interface DatabasePluginOptions {
  database: Database | null;
  /** A database is configured (DATABASE_URL set) even if `database` is null. */
  configured: boolean;
  /** Milliseconds between background health checks (default DATABASE_CHECK_INTERVAL_MS). */
  checkIntervalMs?: number;
}

export default fp<DatabasePluginOptions>(
  async (app, opts) => {
    const slot = new DatabaseSlot(opts.database, opts.configured || opts.database !== null);
    app.decorate('database', slot);
    app.addHook('onClose', async () => slot.stopRetrying());
    // The first check completes before the app is ready, so the first probe is accurate.
    await slot.watch(opts.checkIntervalMs ?? DATABASE_CHECK_INTERVAL_MS, app.log);
  },
  { name: 'realxdeal-database' },
);
