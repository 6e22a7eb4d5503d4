import type { Knex } from 'knex';
import { avgPricePerM2, onlinePerCategory } from './category-questions';
import { chooseMonth, monthSeries, monthTotals } from './daily-series';
import { monthBounds } from './month';
import { dailyCounts, toAlertDays, toDailyChanges, toFirstLastDay, toWeekdayMeans } from './month-questions';
import { checkMonth, LATEST_MONTH, Thresholds, validateOptions } from './options';
import type { AnalysisAnswers, AnalysisOptions, CategoryOnline, CategoryPrice, DayCount } from './types';

/**
 * Every answer from the whole-table answers (questions 1 and 2) and daily
 * counts: the one derivation shared by `answerAll` (counts from `postings`)
 * and `readAnswers` (counts from the stored answers), so the two cannot
 * disagree. `month` null means there are no postings: month answers empty.
 */
export function deriveAnswers(
  q1: CategoryPrice[],
  q2: CategoryOnline[],
  month: string | null,
  counts: readonly DayCount[],
  thresholds: Thresholds,
): AnalysisAnswers {
  const series = month === null ? [] : monthSeries(month, counts, thresholds);
  return {
    month,
    q1,
    q2,
    q3: toFirstLastDay(series),
    q4: toDailyChanges(series),
    q5: toAlertDays(series),
    weekday: toWeekdayMeans(series),
  };
}

/**
 * Every answer for one month, computed from `postings` (the work a load
 * does once; pages read the stored result, see `readAnswers`). Questions 1
 * and 2 start at once beside the daily counts (on MySQL each gets its own
 * pooled connection; SQLite serialises them). A named month needs only its
 * own days; otherwise every day is counted to find the busiest (or latest) month.
 */
export async function answerAll(knex: Knex, options: AnalysisOptions = {}): Promise<AnalysisAnswers> {
  const thresholds = validateOptions(options);
  const named = options.month === undefined || options.month === LATEST_MONTH ? undefined : checkMonth(options.month);
  const [q1, q2, counts] = await Promise.all([
    avgPricePerM2(knex),
    onlinePerCategory(knex),
    dailyCounts(knex, named === undefined ? undefined : monthBounds(named)),
  ]);
  const month = chooseMonth(options.month, monthTotals(counts));
  return deriveAnswers(q1, q2, month, counts, thresholds);
}
