import * as path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { loadHistory, LOAD_HISTORY_DEFAULT_LIMIT, LOAD_HISTORY_MAX_LIMIT, type LoadRunRecord } from 'loader';
import { ServerError, ServerErrorCode } from '../errors';
import { DatabaseSlot } from '../plugins/app/database';
import { API_ROUTE } from '../plugins/external/helmet';
import { loadsJsonSchema, loadsPageSchema, type LoadsBody } from '../schemas/loads';

/** The loader's audit table; a database nobody has loaded into yet lacks it. */
const LOAD_RUNS_TABLE = 'load_runs';

/** "4 s", "2 min 5 s", "1 h 3 min": what a person reads in a table cell. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** `?limit=`: a whole number from 1 to the maximum, or the default when absent. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return LOAD_HISTORY_DEFAULT_LIMIT;
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > LOAD_HISTORY_MAX_LIMIT) {
    throw new ServerError(
      ServerErrorCode.VALIDATION,
      `limit must be a whole number from 1 to ${LOAD_HISTORY_MAX_LIMIT}, got ${text.slice(0, 20)}`,
    );
  }
  return n;
}

// Counts are whole numbers and shown exactly (formatNumber keeps 6 significant digits).
const cell = (n: number | null): string => (n === null ? '' : String(n));

/**
 * The load history, page and JSON. Both read at most `limit` rows (by the
 * primary key, newest first), so a request costs the same whatever the
 * number of loads ever run.
 */
const loadsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function history(limit: number): Promise<LoadRunRecord[]> {
    const db = app.database.require();
    try {
      if (!(await db.knex.schema.hasTable(LOAD_RUNS_TABLE))) return [];
      return await loadHistory(db.knex, { limit });
    } catch (error) {
      if ((await app.database.check()).status === 'ok') throw error;
      throw DatabaseSlot.notAnswering(error);
    }
  }

  app.get('/loads.json', {
    schema: loadsJsonSchema,
    config: API_ROUTE,
    handler: async (request): Promise<LoadsBody> => {
      const limit = parseLimit(request.query.limit);
      return { limit, loads: await history(limit) };
    },
  });

  app.get('/loads', {
    schema: loadsPageSchema,
    config: { html: true },
    handler: async (request, reply) => {
      const limit = parseLimit(request.query.limit);
      const loads = (await history(limit)).map((run) => ({
        ...run,
        name: path.basename(run.file),
        duration: formatDuration(run.seconds),
        read: cell(run.rowsRead),
        loaded: cell(run.rowsLoaded),
        replaced: cell(run.rowsReplaced),
        rejected: cell(run.rowsRejected),
        reasons: Object.entries(run.rejectedByReason ?? {}).map(([reason, n]) => ({ reason, n: String(n) })),
      }));
      return reply.viewAsync('loads.eta', { title: 'Load history', loads, limit });
    },
  });
};

export default loadsRoutes;
