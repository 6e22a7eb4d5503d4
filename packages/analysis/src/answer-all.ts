import type { Knex } from 'knex';
import { avgPricePerM2, onlinePerCategory } from './category-questions';
import { monthBounds, resolveMonth } from './month';
import { MonthDay, monthSeries, toAlertDays, toDailyChanges, toFirstLastDay, toWeekdayMeans } from './month-questions';
import { validateOptions } from './options';
import type { AnalysisAnswers, AnalysisOptions } from './types';

/**
 * Every answer for one month. Questions 1 and 2 do not depend on the month,
 * so they start at once, beside resolving the month and then the month
 * series (on MySQL each gets its own pooled connection; SQLite serialises
 * them). Questions 3-5 and the weekday pattern all come from the one month
 * series, so they can never disagree with each other.
 */
export async function answerAll(knex: Knex, options: AnalysisOptions = {}): Promise<AnalysisAnswers> {
  const thresholds = validateOptions(options);
  const monthAndSeries = async (): Promise<{ month: string | null; series: MonthDay[] }> => {
    const month = await resolveMonth(knex, options.month);
    return { month, series: month === null ? [] : await monthSeries(knex, monthBounds(month), thresholds) };
  };
  const [q1, q2, { month, series }] = await Promise.all([
    avgPricePerM2(knex),
    onlinePerCategory(knex),
    monthAndSeries(),
  ]);
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
