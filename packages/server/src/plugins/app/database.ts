import fp from 'fastify-plugin';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from 'loader';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseSlot;
  }
}

export type DatabaseStatus = 'ok' | 'not configured' | 'unreachable';

/**
 * Holds the database the app reads, which may arrive after start: when the
 * server boots while the database is down it keeps serving predictions and
 * `retry` plugs the database in once it answers. The slot never closes a
 * database; whoever opened it does (server.ts), after `app.close()`.
 */
export class DatabaseSlot {
  private db: Database | null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `configured` is true when a database is expected even if it is not connected. */
  constructor(
    db: Database | null,
    readonly configured: boolean,
  ) {
    this.db = db;
  }

  get current(): Database | null {
    return this.db;
  }

  set(db: Database): void {
    this.db = db;
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
}

export default fp<DatabasePluginOptions>(
  async (app, opts) => {
    const slot = new DatabaseSlot(opts.database, opts.configured || opts.database !== null);
    app.decorate('database', slot);
    app.addHook('onClose', async () => slot.stopRetrying());
  },
  { name: 'realxdeal-database' },
);
