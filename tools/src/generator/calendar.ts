/**
 * When generated postings are created: a calendar month in UTC with weekday
 * seasonality, one outage day and the backfill spike that follows it, and a
 * daytime-heavy hour profile. Also the timestamp renderers (hot path: string
 * tables, no Date objects, except for the rare zone-offset variants).
 */
import type { Prng } from '@realxdeal/model';

/** Weekend days get this share of a weekday's volume ("~40% fewer"). */
export const WEEKEND_FACTOR = 0.6;
/** The outage day keeps this share of its normal volume. */
export const OUTAGE_FACTOR = 0.05;
/** The day after the outage gets this multiple of its normal volume. */
export const BACKFILL_FACTOR = 3;

/** Relative postings per UTC hour: quiet nights, busy daytime and evening. */
const HOUR_WEIGHTS: readonly number[] = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1, 1.6, 2, 2.2, 2.2, 2, 2, 2.1, 2.1, 2, 2, 1.9, 1.8, 1.6, 1.2, 0.8, 0.5,
];

export const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

export interface MonthCalendar {
  /** `YYYY-MM` */
  readonly month: string;
  readonly year: number;
  /** 1–12 */
  readonly monthNumber: number;
  readonly days: number;
  /** `YYYY-MM-DD` of each day, index 0 = the 1st. */
  readonly dayPrefixes: readonly string[];
  /** Day of week per day index, 0 = Sunday (as Date#getUTCDay). */
  readonly weekdays: readonly number[];
  /** Cumulative, normalised day weights for sampling. */
  readonly dayCdf: Float64Array;
  /** Day indices (0-based) of the outage and of the backfill spike. */
  readonly outageDay: number;
  readonly backfillDay: number;
  /** Epoch seconds of the month's first instant. */
  readonly startSeconds: number;
}

export function parseMonth(month: string): { year: number; monthNumber: number } | null {
  // Checked once per run, not per row.
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (m === null) return null;
  return { year: Number(m[1]), monthNumber: Number(m[2]) };
}

function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    cdf[i] = acc;
  });
  // Guards against rounding leaving the last bucket just below 1.
  cdf[weights.length - 1] = 1;
  return cdf;
}

const HOUR_CDF = cumulative(HOUR_WEIGHTS);

/** Index of the first CDF bucket above u (u in [0, 1)). */
export function sampleCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The outage is a Monday–Thursday at least three days from either end of the
 * month, so question 4 has a previous day for it and question 5 sees both the
 * drop (about −95 %) and the following weekday's spike (well above +200 %).
 */
export function buildCalendar(month: string, rng: Prng): MonthCalendar {
  const parsed = parseMonth(month);
  if (parsed === null) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const { year, monthNumber } = parsed;
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  const startMs = Date.UTC(year, monthNumber - 1, 1);
  const dayPrefixes: string[] = [];
  const weekdays: number[] = [];
  for (let d = 0; d < days; d++) {
    dayPrefixes.push(`${year}-${PAD2[monthNumber]}-${PAD2[d + 1]}`);
    weekdays.push(new Date(startMs + d * 86_400_000).getUTCDay());
  }
  const candidates: number[] = [];
  for (let d = 3; d < days - 3; d++) {
    const wd = weekdays[d];
    if (wd >= 1 && wd <= 4) candidates.push(d);
  }
  const outageDay = rng.pick(candidates);
  const backfillDay = outageDay + 1;
  const weights = weekdays.map((wd, d) => {
    const base = wd === 0 || wd === 6 ? WEEKEND_FACTOR : 1;
    if (d === outageDay) return base * OUTAGE_FACTOR;
    if (d === backfillDay) return base * BACKFILL_FACTOR;
    return base;
  });
  return {
    month,
    year,
    monthNumber,
    days,
    dayPrefixes,
    weekdays,
    dayCdf: cumulative(weights),
    outageDay,
    backfillDay,
    startSeconds: startMs / 1000,
  };
}

export function sampleHour(u: number): number {
  return sampleCdf(HOUR_CDF, u);
}

/** `HH:MM:SS` of a second of the day. */
export function clock(secondOfDay: number): string {
  const h = (secondOfDay / 3600) | 0;
  const m = ((secondOfDay % 3600) / 60) | 0;
  return `${PAD2[h]}:${PAD2[m]}:${PAD2[secondOfDay % 60]}`;
}

/** `YYYY-MM-DDTHH:MM:SS` of an epoch second, any month (rare path). */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/**
 * The same UTC instant written as local time with a zone offset, e.g.
 * `2021-02-01T00:30:00+01:00` for 2021-01-31 23:30 UTC. `compact` writes
 * `+0100` instead of `+01:00`.
 */
export function withOffset(epochSeconds: number, offsetMinutes: number, separator: 'T' | ' ', compact: boolean): string {
  const local = isoSeconds(epochSeconds + offsetMinutes * 60);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = PAD2[(abs / 60) | 0];
  const mm = PAD2[abs % 60];
  return `${local.slice(0, 10)}${separator}${local.slice(11)}${sign}${hh}${compact ? '' : ':'}${mm}`;
}
