import type { Knex } from 'knex';
import { dialectOf, selectRows, toNumber, toText } from './dialect';
import { MonthDay, monthSeries, WEEKDAYS } from './daily-series';
import { MonthBounds, monthBounds, resolveMonth } from './month';
import { validateOptions } from './options';
import type { AlertDay, AnalysisOptions, DailyChange, DayCount, WeekdayMean } from './types';

/**
 * Postings created per UTC day, through the created_at index: within
 * `bounds` when given, else over the whole table (what the stored answers
 * keep). Days without postings are absent; `monthSeries` fills them.
 */
export async function dailyCounts(knex: Knex, bounds?: MonthBounds): Promise<DayCount[]> {
  const d = dialectOf(knex);
  const where = bounds === undefined ? '' : 'WHERE created_at >= ? AND created_at < ?';
  const rows = await selectRows(
    knex,
    d,
    `SELECT ${d.dayText(d.day('created_at'))} AS day, COUNT(*) AS postings
       FROM postings ${where}
      GROUP BY ${d.day('created_at')}`,
    bounds === undefined ? [] : [bounds.start, bounds.end],
  );
  return rows
    .map((row) => ({ day: toText(row.day, 'day'), postings: toNumber(row.postings, 'postings') }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
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

/** Monday first; each day of the series carries its weekday's mean. */
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
  return month === null ? [] : monthSeries(month, await dailyCounts(knex, monthBounds(month)), thresholds);
}

export async function firstLastDay(knex: Knex, options: AnalysisOptions = {}): Promise<DayCount[]> {
  return toFirstLastDay(await seriesFor(knex, options));
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
