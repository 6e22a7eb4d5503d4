/**
 * The shapes of the answers. Field names are the column names of the answer
 * files (docs: the data contract, "The answer files"), so a row can be
 * written or served without renaming.
 */

export interface AnalysisOptions {
  /** 'YYYY-MM', or 'latest' (the newest month with postings); omitted = the month holding the most postings. */
  month?: string;
  /** A day alerts as a drop when change_pct is below this; default -70. */
  dropThreshold?: number;
  /** A day alerts as a spike when change_pct is above this; default 200. */
  spikeThreshold?: number;
}

export interface CategoryPrice {
  category: string;
  /** Postings with price > 0 and area > 0: the ones the figures cover. */
  postings: number;
  avg_price_per_m2: number | null;
  median_price_per_m2: number | null;
}

export interface CategoryOnline {
  category: string;
  online_postings: number;
}

export interface DayCount {
  /** UTC calendar day, 'YYYY-MM-DD'. */
  day: string;
  postings: number;
}

export interface DailyChange {
  day: string;
  postings: number;
  /** NULL for the month's first day. */
  previous_day_postings: number | null;
  /** 100 * (postings - previous) / previous; NULL when previous is NULL or 0. */
  change_pct: number | null;
}

export interface AlertDay extends DailyChange {
  kind: 'drop' | 'spike';
}

export interface WeekdayMean {
  /** 'Monday' … 'Sunday'. */
  weekday: string;
  /** How many of this weekday the month has. */
  days: number;
  mean_postings: number;
}

export interface AnalysisAnswers {
  /** The month questions 3-5 cover; null when the table is empty. */
  month: string | null;
  q1: CategoryPrice[];
  q2: CategoryOnline[];
  q3: DayCount[];
  q4: DailyChange[];
  q5: AlertDay[];
  weekday: WeekdayMean[];
}

export type AnswerFileKey = 'q1' | 'q2' | 'q3' | 'q4' | 'q5' | 'weekday';

export interface TrainingPairsOptions {
  /** Only this category (exact match); omitted = every category. */
  category?: string;
}

/** Postings created in one calendar month (UTC). */
export interface MonthTotal {
  /** 'YYYY-MM' */
  month: string;
  postings: number;
}

/**
 * What a load stores so every page is cheap: the whole-table answers and
 * the daily counts of every day of every month with postings (zeros
 * included), in calendar order.
 */
export interface ComputedAnswers {
  q1: CategoryPrice[];
  q2: CategoryOnline[];
  days: DayCount[];
}

/** One stored set of answers (a row of `answer_sets`). */
export interface AnswerSetInfo {
  id: number;
  /** The `load_runs` row whose load produced them; null when `analyze` ran without a finished load. */
  loadRunId: number | null;
  /** UTC 'YYYY-MM-DD HH:MM:SS'. */
  computedAt: string;
  /** Months with postings, in calendar order (oldest first). */
  months: MonthTotal[];
}

/** The answers for one month and thresholds, read from a stored set. */
export interface StoredAnswers extends AnalysisAnswers {
  set: AnswerSetInfo;
  thresholds: { drop: number; spike: number };
}
