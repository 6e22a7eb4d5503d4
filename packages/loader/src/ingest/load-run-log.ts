import type { Database } from '../db/open-database';
import type { LoadSummary } from './load-csv';

/** UTC `YYYY-MM-DD HH:MM:SS`, the form both engines store. */
export function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The audit row of one load in `load_runs`. It is written as `running`
 * before the first batch and completed at the end, so a killed load is
 * visible afterwards as a run that never finished.
 */
export class LoadRunLog {
  private constructor(
    private readonly db: Database,
    readonly id: number,
  ) {}

  static async start(db: Database, fileName: string, bytes: number | null): Promise<LoadRunLog> {
    const [id] = await db.knex('load_runs').insert({
      file_name: fileName.slice(0, 1024),
      file_bytes: bytes,
      started_at: utcNow(),
      outcome: 'running',
    });
    return new LoadRunLog(db, Number(typeof id === 'object' && id !== null ? (id as { id: number }).id : id));
  }

  async finish(summary: LoadSummary): Promise<void> {
    await this.db.knex('load_runs').where({ id: this.id }).update({
      finished_at: utcNow(),
      file_sha256: summary.sha256,
      file_bytes: summary.bytes,
      rows_read: summary.rowsRead,
      rows_loaded: summary.rowsLoaded,
      rows_replaced: summary.rowsReplaced,
      rows_rejected: summary.rowsRejected,
      outcome: 'finished',
    });
  }

  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.db.knex('load_runs').where({ id: this.id }).update({
      finished_at: utcNow(),
      outcome: 'failed',
      error: message.split('\n')[0].slice(0, 2000),
    });
  }
}
