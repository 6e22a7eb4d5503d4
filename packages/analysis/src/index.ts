/**
 * analysis: the data contract's five market questions as typed
 * query functions over a knex instance the caller owns (better-sqlite3 or
 * mysql2), and the six answer files. No connection, no CLI of its own.
 */
export type {
  AnalysisOptions,
  CategoryPrice,
  CategoryOnline,
  DayCount,
  DailyChange,
  AlertDay,
  WeekdayMean,
  AnalysisAnswers,
  AnswerFileKey,
  TrainingPairsOptions,
  MonthTotal,
  ComputedAnswers,
  AnswerSetInfo,
  StoredAnswers,
} from './types';
export { resolveMonth } from './month';
export { avgPricePerM2, onlinePerCategory } from './category-questions';
export { firstLastDay, dailyChange, alertDays, weekdayPattern } from './month-questions';
export { answerAll, deriveAnswers } from './answer-all';
export { dailyCounts } from './month-questions';
export { busiestMonth } from './daily-series';
export {
  ANSWER_TABLES,
  computeAnswers,
  saveAnswers,
  storeAnswers,
  clearAnswers,
  readAnswers,
  latestAnswerSetKey,
  answerSetKey,
} from './answer-store';
export type { DbAnswerSetRow, DbAnswerCategoryRow, DbAnswerMonthRow, DbAnswerDayRow } from './answer-store';
export { ANSWER_FILES, ANSWER_COLUMNS, answerCsv, answerRows, writeAnswerFiles, runAll } from './answer-files';
export { trainingPairs } from './training-pairs';
export { describeWeekdayPattern } from './describe-weekday';
export { formatDecimal, writeDecimal, MAX_DECIMAL_LENGTH } from './format-decimal';
export { monthBounds } from './month';
export { validateOptions, LATEST_MONTH, DEFAULT_DROP_THRESHOLD, DEFAULT_SPIKE_THRESHOLD } from './options';
export { AnalysisError, isAnalysisError } from './errors';
export { AnalysisErrorCode } from './errors';
export type { AnalysisErrorField } from './errors';
