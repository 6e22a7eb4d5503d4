import type { WeekdayMean } from './types';

const WEEKEND = new Set(['Saturday', 'Sunday']);

/** Mean per day over a group of weekdays, weighted by how many days each has. */
function pooledMean(rows: readonly WeekdayMean[]): number | null {
  const days = rows.reduce((sum, r) => sum + r.days, 0);
  if (days === 0) return null;
  return rows.reduce((sum, r) => sum + r.mean_postings * r.days, 0) / days;
}

function roundForText(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * The weekday pattern in one sentence, e.g. "weekend days average 41% fewer
 * new postings than weekdays (busiest: Tuesday, 1234.5 a day; quietest:
 * Sunday, 456 a day)".
 */
export function describeWeekdayPattern(weekday: WeekdayMean[]): string {
  const withDays = weekday.filter((r) => r.days > 0);
  if (withDays.length === 0 || withDays.every((r) => r.mean_postings === 0)) {
    return 'no new postings in the month, so no weekday pattern';
  }
  const weekdayMean = pooledMean(withDays.filter((r) => !WEEKEND.has(r.weekday)));
  const weekendMean = pooledMean(withDays.filter((r) => WEEKEND.has(r.weekday)));
  let comparison: string;
  if (weekdayMean === null || weekendMean === null) {
    comparison = 'the month does not have both weekdays and weekend days to compare';
  } else if (weekdayMean === 0) {
    comparison = 'new postings arrive only on weekend days';
  } else {
    const pct = Math.round((100 * (weekendMean - weekdayMean)) / weekdayMean);
    comparison =
      pct === 0
        ? 'weekend days average about as many new postings as weekdays'
        : `weekend days average ${Math.abs(pct)}% ${pct < 0 ? 'fewer' : 'more'} new postings than weekdays`;
  }
  // Earliest weekday wins a tie, so the sentence is stable.
  const busiest = withDays.reduce((a, b) => (b.mean_postings > a.mean_postings ? b : a));
  const quietest = withDays.reduce((a, b) => (b.mean_postings < a.mean_postings ? b : a));
  return (
    `${comparison} (busiest: ${busiest.weekday}, ${roundForText(busiest.mean_postings)} a day; ` +
    `quietest: ${quietest.weekday}, ${roundForText(quietest.mean_postings)} a day)`
  );
}
