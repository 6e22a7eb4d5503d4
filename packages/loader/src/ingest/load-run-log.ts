import * as os from 'node:os';
import type { Knex } from 'knex';
import type { Database } from '../db/open-database';
import type { LoadSummary } from './load-csv';

/** UTC `YYYY-MM-DD HH:MM:SS`, the form both engines store. */
export function utcNow(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A running load refreshes `heartbeat_at` at least this often: MySQL every
 * 30 s from the reading loop; SQLite at each commit of the writer thread
 * (the only connection that may write while a load holds the write lock),
 * which at millions of rows can be a minute or two apart.
 */
export const LOAD_HEARTBEAT_SECONDS = 30;
/** A `running` row with no sign of life for this long is shown as interrupted. */
export const LOAD_STALE_SECONDS = 15 * 60;

export type LoadOutcome = 'running' | 'finished' | 'failed' | 'interrupted';

/**
 * The audit row of one load in `load_runs`. It is written as `running`
 * before the first batch, with this process's pid and hostname, and
 * completed at the end, so a killed load is visible afterwards as a run that
 * never finished: the next load on the same host, or the server, marks or
 * shows it as interrupted.
 */
export class LoadRunLog {
  private lastBeat = Date.now();

  private constructor(
    private readonly db: Database,
    readonly id: number,
  ) {}

  static async start(db: Database, fileName: string, bytes: number | null): Promise<LoadRunLog> {
    const now = utcNow();
    const [id] = await db.knex('load_runs').insert({
      file_name: fileName.slice(0, 1024),
      file_bytes: bytes,
      started_at: now,
      heartbeat_at: now,
      pid: process.pid,
      hostname: os.hostname().slice(0, 255),
      outcome: 'running',
    });
    return new LoadRunLog(db, Number(typeof id === 'object' && id !== null ? (id as { id: number }).id : id));
  }

  /** Refreshes the heartbeat when it is due; cheap to call per batch. */
  async beatIfDue(): Promise<void> {
    if (Date.now() - this.lastBeat < LOAD_HEARTBEAT_SECONDS * 1000) return;
    this.lastBeat = Date.now();
    await this.db.knex('load_runs').where({ id: this.id }).update({ heartbeat_at: utcNow() });
  }

  async finish(summary: LoadSummary): Promise<void> {
    const rejected = Object.fromEntries(Object.entries(summary.rejectedByReason).filter(([, n]) => n > 0));
    await this.db
      .knex('load_runs')
      .where({ id: this.id })
      .update({
        finished_at: utcNow(),
        heartbeat_at: utcNow(),
        file_sha256: summary.sha256,
        file_bytes: summary.bytes,
        rows_read: summary.rowsRead,
        rows_loaded: summary.rowsLoaded,
        rows_replaced: summary.rowsReplaced,
        rows_rejected: summary.rowsRejected,
        rejected_by_reason: JSON.stringify(rejected),
        outcome: 'finished',
      });
  }

  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.db
      .knex('load_runs')
      .where({ id: this.id })
      .update({
        finished_at: utcNow(),
        outcome: 'failed',
        error: message.split('\n')[0].slice(0, 2000),
      });
  }
}

/** True while a process with this id exists (ours or not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const goneMessage = (pid: number, hostname: string): string =>
  `the loader process (pid ${pid} on ${hostname}) stopped before the load finished`;

/**
 * Marks this host's `running` loads whose process is gone as interrupted;
 * run at the start of every load. A pid is only checked on the host that
 * recorded it: another host's runs are left to their heartbeat.
 */
export async function markInterruptedRuns(db: Database): Promise<number> {
  const hostname = os.hostname().slice(0, 255);
  const running = (await db.knex('load_runs').select('id', 'pid').where({ outcome: 'running', hostname }).whereNotNull('pid')) as Array<{
    id: number;
    pid: number;
  }>;
  let marked = 0;
  for (const run of running) {
    const pid = Number(run.pid);
    if (processAlive(pid)) continue;
    marked += await db
      .knex('load_runs')
      .where({ id: run.id, outcome: 'running' })
      .update({ outcome: 'interrupted', error: goneMessage(pid, hostname) });
  }
  return marked;
}

/** One load as the history shows it. Counts are null for a run that never finished. */
export interface LoadRunRecord {
  id: number;
  file: string;
  /** UTC `YYYY-MM-DD HH:MM:SS`. */
  startedAt: string;
  finishedAt: string | null;
  /** finished_at - started_at, whole seconds; null until the run ends. */
  seconds: number | null;
  outcome: LoadOutcome;
  /** Why the run failed or is interrupted; null otherwise. */
  message: string | null;
  rowsRead: number | null;
  rowsLoaded: number | null;
  rowsReplaced: number | null;
  rowsRejected: number | null;
  rejectedByReason: Record<string, number> | null;
}

export const LOAD_HISTORY_DEFAULT_LIMIT = 100;
export const LOAD_HISTORY_MAX_LIMIT = 1000;

/** A load_runs row as read; the columns of later migrations are undefined on a database not yet migrated. */
interface DbLoadRunRow {
  id: number;
  file_name: string;
  started_at: string | Date;
  finished_at: string | Date | null;
  heartbeat_at?: string | Date | null;
  pid?: number | null;
  hostname?: string | null;
  rows_read: number | null;
  rows_loaded: number | null;
  rows_replaced: number | null;
  rows_rejected: number | null;
  rejected_by_reason?: string | null;
  outcome: string;
  error: string | null;
}

/** MySQL hands DATETIME back as a Date (the session is UTC), SQLite as text. */
function dbTime(value: string | Date | null | undefined): string | null {
  if (value == null) return null;
  return value instanceof Date ? utcNow(value) : String(value).slice(0, 19);
}

const epochSeconds = (utc: string): number => Date.parse(`${utc.replace(' ', 'T')}Z`) / 1000;
const count = (n: number | null | undefined): number | null => (n == null ? null : Number(n));

function parseReasons(text: string | null | undefined): Record<string, number> | null {
  if (text == null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, number>) : null;
  } catch {
    return null;
  }
}

export interface LoadHistoryOptions {
  /** Newest runs to return (default 100, at most 1,000): the query never reads the whole table. */
  limit?: number;
  /** For tests: the clock and the host the staleness and pid checks use. */
  now?: Date;
  hostname?: string;
}

/**
 * The newest loads first. A run still marked `running` is reported as
 * interrupted when its process is gone (checked only on the host that
 * recorded it) or when it has shown no sign of life for LOAD_STALE_SECONDS.
 */
export async function loadHistory(knex: Knex, options: LoadHistoryOptions = {}): Promise<LoadRunRecord[]> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? LOAD_HISTORY_DEFAULT_LIMIT)), LOAD_HISTORY_MAX_LIMIT);
  const now = (options.now ?? new Date()).getTime() / 1000;
  const hostname = options.hostname ?? os.hostname().slice(0, 255);
  const rows = (await knex('load_runs').select('*').orderBy('id', 'desc').limit(limit)) as DbLoadRunRow[];
  return rows.map((row) => {
    const startedAt = dbTime(row.started_at) as string;
    const finishedAt = dbTime(row.finished_at);
    let outcome = row.outcome as LoadOutcome;
    let message = row.error;
    if (outcome === 'running') {
      // Rows from before the pid column have neither pid nor heartbeat: only their age speaks.
      const pid = row.pid == null ? null : Number(row.pid);
      const lastSign = dbTime(row.heartbeat_at) ?? startedAt;
      if (pid !== null && row.hostname === hostname && !processAlive(pid)) {
        outcome = 'interrupted';
        message = goneMessage(pid, hostname);
      } else if (now - epochSeconds(lastSign) > LOAD_STALE_SECONDS) {
        outcome = 'interrupted';
        message = `no sign of life since ${lastSign} UTC`;
      }
    }
    return {
      id: Number(row.id),
      file: row.file_name,
      startedAt,
      finishedAt,
      seconds: finishedAt === null ? null : epochSeconds(finishedAt) - epochSeconds(startedAt),
      outcome,
      message,
      rowsRead: count(row.rows_read),
      rowsLoaded: count(row.rows_loaded),
      rowsReplaced: count(row.rows_replaced),
      rowsRejected: count(row.rows_rejected),
      rejectedByReason: parseReasons(row.rejected_by_reason),
    };
  });
}

/** The newest load that finished, which `analyze` ties its answers to; null if none did. */
export async function latestFinishedRunId(db: Database): Promise<number | null> {
  const row: { id?: unknown } | undefined = await db.knex('load_runs').where({ outcome: 'finished' }).max({ id: 'id' }).first();
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}
