import { AnalysisErrorCode, badOption } from './errors';
import type { AnalysisOptions } from './types';

/** The contract's alert thresholds (question 5), in percent. */
export const DEFAULT_DROP_THRESHOLD = -70;
export const DEFAULT_SPIKE_THRESHOLD = 200;

export interface Thresholds {
  readonly drop: number;
  readonly spike: number;
}

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

/** The month a scheduler names when it wants "the newest month with data". */
export const LATEST_MONTH = 'latest';

/**
 * Checks a user-named month. Years stop at 9998 so the exclusive upper bound
 * (the next month's first second) is still a valid DATETIME on MySQL.
 */
export function checkMonth(month: unknown): string {
  const text = typeof month === 'string' ? month : String(month);
  const match = MONTH_PATTERN.exec(text);
  if (typeof month !== 'string' || !match) {
    throw badOption(AnalysisErrorCode.BAD_MONTH, 'month', `must be a month as YYYY-MM (e.g. 2021-02), got ${text}`);
  }
  const year = Number(match[1]);
  const monthNumber = Number(match[2]);
  if (monthNumber < 1 || monthNumber > 12) {
    throw badOption(AnalysisErrorCode.BAD_MONTH, 'month', `must be a month as YYYY-MM with MM from 01 to 12, got ${text}`);
  }
  if (year < 1000 || year > 9998) {
    throw badOption(AnalysisErrorCode.BAD_MONTH, 'month', `must be between 1000-01 and 9998-12, got ${text}`);
  }
  return text;
}

function checkThreshold(field: 'dropThreshold' | 'spikeThreshold', value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    // Whatever the caller passed (NaN, '5', an object), shown as JavaScript prints it.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    throw badOption(AnalysisErrorCode.BAD_THRESHOLD, field, `must be a finite number (percent), got ${String(value)}`);
  }
  return value;
}

/**
 * Validates every option before any query runs, so a caller learns about a
 * bad month or threshold even when the database is unreachable.
 */
export function validateOptions(options: AnalysisOptions = {}): Thresholds {
  if (options.month !== undefined && options.month !== LATEST_MONTH) checkMonth(options.month);
  const drop = checkThreshold('dropThreshold', options.dropThreshold, DEFAULT_DROP_THRESHOLD);
  const spike = checkThreshold('spikeThreshold', options.spikeThreshold, DEFAULT_SPIKE_THRESHOLD);
  // Overlapping ranges would make a day both a drop and a spike.
  if (drop > spike) {
    throw badOption(AnalysisErrorCode.BAD_THRESHOLD, 'dropThreshold', `must not be above the spike threshold (${spike}), got ${drop}`);
  }
  return { drop, spike };
}
