import type { Knex } from 'knex';
import { dialectOf, selectRows } from './dialect';
import { checkMonth, LATEST_MONTH } from './options';

/**
 * One calendar month as the bounds the queries use. `start`/`end` are a
 * half-open range on created_at (>= start, < end) so the created_at index
 * serves every month question on both engines.
 */
export interface MonthBounds {
  readonly month: string;
  readonly days: number;
  /** 'YYYY-MM-01' */
  readonly firstDay: string;
  /** 'YYYY-MM-28' … 'YYYY-MM-31' */
  readonly lastDay: string;
  /** 'YYYY-MM-01 00:00:00' */
  readonly start: string;
  /** The next month's 'YYYY-MM-01 00:00:00'. */
  readonly end: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function monthBounds(month: string): MonthBounds {
  const year = Number(month.slice(0, 4));
  const monthNumber = Number(month.slice(5, 7));
  // Day 0 of the next month is this month's last day; UTC so no DST shift.
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const nextYear = monthNumber === 12 ? year + 1 : year;
  const nextMonth = monthNumber === 12 ? 1 : monthNumber + 1;
  return {
    month,
    days,
    firstDay: `${month}-01`,
    lastDay: `${month}-${pad(days, 2)}`,
    start: `${month}-01 00:00:00`,
    end: `${pad(nextYear, 4)}-${pad(nextMonth, 2)}-01 00:00:00`,
  };
}

/**
 * "The month": the one named (`latest`: the newest month with postings), else the calendar month holding the most
 * postings (the earlier on a tie), else null for an empty table. The usual
 * case, every posting in one month, costs two index lookups.
 */
export async function resolveMonth(knex: Knex, month?: string): Promise<string | null> {
  const dialect = dialectOf(knex);
  if (month === LATEST_MONTH) {
    const [row] = await selectRows(knex, dialect, `SELECT ${dialect.monthText('MAX(created_at)')} AS last_month FROM postings`);
    return typeof row?.last_month === 'string' ? row.last_month : null;
  }
  if (month !== undefined) return checkMonth(month);
  // Separate subqueries: SQLite answers a lone MIN or MAX from the index.
  const [span] = await selectRows(
    knex,
    dialect,
    `SELECT (SELECT ${dialect.monthText('MIN(created_at)')} FROM postings) AS first_month,
            (SELECT ${dialect.monthText('MAX(created_at)')} FROM postings) AS last_month`,
  );
  const first = span?.first_month;
  const last = span?.last_month;
  if (typeof first !== 'string' || typeof last !== 'string') return null;
  if (first === last) return first;
  const byMonth = dialect.monthKey('created_at');
  const [busiest] = await selectRows(
    knex,
    dialect,
    `SELECT ${dialect.monthText('MIN(created_at)')} AS month, COUNT(*) AS postings
       FROM postings
      GROUP BY ${byMonth}
      ORDER BY postings DESC, MIN(created_at) ASC
      LIMIT 1`,
  );
  if (!busiest || typeof busiest.month !== 'string') return null;
  return busiest.month;
}
