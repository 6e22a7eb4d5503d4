import { monthBounds } from './month';
import { checkMonth, LATEST_MONTH, type Thresholds } from './options';
import type { DailyChange, DayCount, MonthTotal } from './types';

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
 * Every calendar day of `month` (UTC), days without postings as 0, from
 * daily counts (any days; those outside the month are ignored). This is the
 * one place questions 3-5 and the weekday pattern are derived, whether the
 * counts come from `postings` or from the stored answers, so every caller
 * gets the same numbers.
 *
 * The previous day of the 1st is NULL even when the month before has
 * postings. The arithmetic is the contract's 100 * (today - previous) /
 * previous in doubles, and each weekday mean is its sum over its count of
 * days: integer sums are exact, so the result does not depend on the order
 * the counts arrive in.
 */
export function monthSeries(month: string, counts: readonly DayCount[], thresholds: Thresholds): MonthDay[] {
  const bounds = monthBounds(month);
  const byDay = new Map<string, number>();
  for (const { day, postings } of counts) byDay.set(day, postings);
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(5, 7)) - 1;
  const sums = new Array<number>(7).fill(0);
  const days = new Array<number>(7).fill(0);
  const series: MonthDay[] = [];
  let previous: number | null = null;
  for (let d = 1; d <= bounds.days; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    const postings = byDay.get(day) ?? 0;
    const change_pct = previous === null || previous === 0 ? null : (100 * (postings - previous)) / previous;
    const kind = change_pct === null ? null : change_pct < thresholds.drop ? 'drop' : change_pct > thresholds.spike ? 'spike' : null;
    // getUTCDay counts from Sunday = 0; UTC so no DST shift moves the day.
    const weekdayIndex = (new Date(Date.UTC(year, monthIndex, d)).getUTCDay() + 6) % 7;
    sums[weekdayIndex] = (sums[weekdayIndex] ?? 0) + postings;
    days[weekdayIndex] = (days[weekdayIndex] ?? 0) + 1;
    series.push({ day, postings, previous_day_postings: previous, change_pct, kind, weekdayIndex, weekdayDays: 0, weekdayMean: 0 });
    previous = postings;
  }
  for (const entry of series) {
    entry.weekdayDays = days[entry.weekdayIndex] ?? 0;
    entry.weekdayMean = (sums[entry.weekdayIndex] ?? 0) / entry.weekdayDays;
  }
  return series;
}

/**
 * Every day of every month that has at least one count, zeros included, in
 * calendar order: what the stored answers keep so any month can be answered
 * without touching `postings`.
 */
export function fillMonths(counts: readonly DayCount[]): DayCount[] {
  const byDay = new Map<string, number>();
  for (const { day, postings } of counts) byDay.set(day, (byDay.get(day) ?? 0) + postings);
  const months = [...new Set([...byDay.keys()].map((day) => day.slice(0, 7)))].sort();
  const filled: DayCount[] = [];
  for (const month of months) {
    const { days } = monthBounds(month);
    for (let d = 1; d <= days; d++) {
      const day = `${month}-${String(d).padStart(2, '0')}`;
      filled.push({ day, postings: byDay.get(day) ?? 0 });
    }
  }
  return filled;
}

/** Postings per month, in calendar order, for the months that have any. */
export function monthTotals(counts: readonly DayCount[]): MonthTotal[] {
  const byMonth = new Map<string, number>();
  for (const { day, postings } of counts) byMonth.set(day.slice(0, 7), (byMonth.get(day.slice(0, 7)) ?? 0) + postings);
  return [...byMonth.entries()]
    .filter(([, postings]) => postings > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, postings]) => ({ month, postings }));
}

/** "The month": the one holding the most postings, the earlier on a tie; null without any. */
export function busiestMonth(months: readonly MonthTotal[]): string | null {
  let best: MonthTotal | null = null;
  for (const entry of months) {
    if (best === null || entry.postings > best.postings || (entry.postings === best.postings && entry.month < best.month)) best = entry;
  }
  return best?.month ?? null;
}

/**
 * The month questions 3-5 cover: the one named, `latest` for the newest
 * month with postings, else the busiest; null without postings (unless a
 * month is named: a month without postings is answered with zeros).
 */
export function chooseMonth(named: string | undefined, months: readonly MonthTotal[]): string | null {
  if (named === LATEST_MONTH) return months[months.length - 1]?.month ?? null;
  return named === undefined ? busiestMonth(months) : checkMonth(named);
}
