import type { Knex } from 'knex';
import { Dialect, dialectOf, selectRows, toNullableNumber, toNumber, toText } from './dialect';
import { MonthBounds, monthBounds, resolveMonth } from './month';
import { Thresholds, validateOptions } from './options';
import type { AlertDay, AnalysisOptions, DailyChange, DayCount, WeekdayMean } from './types';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** One day of the month with every figure questions 3-5 and the weekday pattern need. */
export interface MonthDay extends DailyChange {
  kind: 'drop' | 'spike' | null;
  /** 0 = Monday … 6 = Sunday. */
  weekdayIndex: number;
  weekdayDays: number;
  weekdayMean: number;
}

/**
 * Questions 4, 5 and the weekday pattern in one statement: a calendar of
 * every day of the month (a recursive CTE, so days without postings exist
 * as rows), the month's postings counted per day through the created_at
 * index, the previous day by LAG (NULL on the 1st even if the month before
 * has postings: the calendar starts on the 1st), and per-weekday means as
 * window aggregates over the calendar, so empty days count as 0.
 *
 * `1e0` makes the arithmetic double on MySQL, where integer `/` would give a
 * DECIMAL with 4 fractional digits; the order of operations is the
 * contract's 100 * (today - previous) / previous on both engines.
 */
function monthSeriesSql(d: Dialect): string {
  return `
WITH RECURSIVE calendar (day) AS (
  SELECT ${d.dayParam}
  UNION ALL
  SELECT ${d.nextDay('day')} FROM calendar WHERE day < ${d.dayParam}
),
counts AS (
  SELECT ${d.day('created_at')} AS day, COUNT(*) AS postings
    FROM postings
   WHERE created_at >= ? AND created_at < ?
   GROUP BY ${d.day('created_at')}
),
series AS (
  SELECT c.day, COALESCE(n.postings, 0) AS postings, ${d.weekdayIndex('c.day')} AS weekday_index
    FROM calendar c
    LEFT JOIN counts n ON n.day = c.day
),
changes AS (
  SELECT day, postings, weekday_index,
         LAG(postings) OVER (ORDER BY day) AS previous_day_postings
    FROM series
),
figures AS (
  SELECT day, postings, previous_day_postings, weekday_index,
         CASE WHEN previous_day_postings IS NULL OR previous_day_postings = 0 THEN NULL
              ELSE 100e0 * (postings * 1e0 - previous_day_postings) / previous_day_postings
         END AS change_pct,
         COUNT(*) OVER (PARTITION BY weekday_index) AS weekday_days,
         SUM(postings) OVER (PARTITION BY weekday_index) * 1e0
           / COUNT(*) OVER (PARTITION BY weekday_index) AS weekday_mean
    FROM changes
)
SELECT ${d.dayText('day')} AS day, postings, previous_day_postings, change_pct,
       CASE WHEN change_pct < ? THEN 'drop' WHEN change_pct > ? THEN 'spike' END AS kind,
       weekday_index, weekday_days, weekday_mean
  FROM figures
 ORDER BY day`;
}

/** Every day of a month, in order; `bounds` from monthBounds. */
export async function monthSeries(knex: Knex, bounds: MonthBounds, thresholds: Thresholds): Promise<MonthDay[]> {
  const dialect = dialectOf(knex);
  const rows = await selectRows(knex, dialect, monthSeriesSql(dialect), [
    bounds.firstDay,
    bounds.lastDay,
    bounds.start,
    bounds.end,
    thresholds.drop,
    thresholds.spike,
  ]);
  return rows.map((row) => {
    const kind = row.kind === null || row.kind === undefined ? null : toText(row.kind, 'kind');
    return {
      day: toText(row.day, 'day'),
      postings: toNumber(row.postings, 'postings'),
      previous_day_postings: toNullableNumber(row.previous_day_postings, 'previous_day_postings'),
      change_pct: toNullableNumber(row.change_pct, 'change_pct'),
      kind: kind === 'drop' || kind === 'spike' ? kind : null,
      weekdayIndex: toNumber(row.weekday_index, 'weekday_index'),
      weekdayDays: toNumber(row.weekday_days, 'weekday_days'),
      weekdayMean: toNumber(row.weekday_mean, 'weekday_mean'),
    };
  });
}

/**
 * Question 3: two index range counts. answerAll takes the same two rows from
 * the month series instead, which holds them already.
 */
async function countFirstLastDay(knex: Knex, bounds: MonthBounds): Promise<DayCount[]> {
  const dialect = dialectOf(knex);
  const lastDayStart = `${bounds.lastDay} 00:00:00`;
  const [row] = await selectRows(
    knex,
    dialect,
    `SELECT (SELECT COUNT(*) FROM postings WHERE created_at >= ? AND created_at < ?) AS first_day,
            (SELECT COUNT(*) FROM postings WHERE created_at >= ? AND created_at < ?) AS last_day`,
    [bounds.start, `${bounds.month}-02 00:00:00`, lastDayStart, bounds.end],
  );
  return [
    { day: bounds.firstDay, postings: toNumber(row?.first_day, 'first_day') },
    { day: bounds.lastDay, postings: toNumber(row?.last_day, 'last_day') },
  ];
}

export function toDailyChanges(series: readonly MonthDay[]): DailyChange[] {
  return series.map(({ day, postings, previous_day_postings, change_pct }) => ({
    day,
    postings,
    previous_day_postings,
    change_pct,
  }));
}

export function toAlertDays(series: readonly MonthDay[]): AlertDay[] {
  const alerts: AlertDay[] = [];
  for (const { day, postings, previous_day_postings, change_pct, kind } of series) {
    if (kind !== null) alerts.push({ day, postings, previous_day_postings, change_pct, kind });
  }
  return alerts;
}

export function toFirstLastDay(series: readonly MonthDay[]): DayCount[] {
  const first = series[0];
  const last = series[series.length - 1];
  if (!first || !last) return [];
  return [
    { day: first.day, postings: first.postings },
    { day: last.day, postings: last.postings },
  ];
}

/** Monday first; the means were computed by SQL, one copy per day of that weekday. */
export function toWeekdayMeans(series: readonly MonthDay[]): WeekdayMean[] {
  const means: WeekdayMean[] = [];
  WEEKDAYS.forEach((weekday, index) => {
    const day = series.find((d) => d.weekdayIndex === index);
    if (day) means.push({ weekday, days: day.weekdayDays, mean_postings: day.weekdayMean });
  });
  return means;
}

async function seriesFor(knex: Knex, options: AnalysisOptions): Promise<MonthDay[]> {
  const thresholds = validateOptions(options);
  const month = await resolveMonth(knex, options.month);
  return month === null ? [] : monthSeries(knex, monthBounds(month), thresholds);
}

export async function firstLastDay(knex: Knex, options: AnalysisOptions = {}): Promise<DayCount[]> {
  validateOptions(options);
  const month = await resolveMonth(knex, options.month);
  return month === null ? [] : countFirstLastDay(knex, monthBounds(month));
}

export async function dailyChange(knex: Knex, options: AnalysisOptions = {}): Promise<DailyChange[]> {
  return toDailyChanges(await seriesFor(knex, options));
}

export async function alertDays(knex: Knex, options: AnalysisOptions = {}): Promise<AlertDay[]> {
  return toAlertDays(await seriesFor(knex, options));
}

export async function weekdayPattern(knex: Knex, options: AnalysisOptions = {}): Promise<WeekdayMean[]> {
  return toWeekdayMeans(await seriesFor(knex, options));
}
