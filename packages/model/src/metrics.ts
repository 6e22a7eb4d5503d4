import { ModelError, ModelErrorCode } from './errors';
import { medianInPlace } from './median';

function checkPair(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = actual.length;
  if (predicted.length !== n) {
    throw new ModelError(ModelErrorCode.INVALID_INPUT, `actual and predicted differ in length (${n} vs ${predicted.length})`);
  }
  if (n === 0) throw new ModelError(ModelErrorCode.INVALID_INPUT, 'a metric needs at least one value');
  return n;
}

/**
 * Coefficient of determination 1 − SS_res/SS_tot. NaN when every actual value
 * is equal (SS_tot = 0): the score is undefined then, and a made-up 0 or 1
 * would hide that.
 */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i];
    const e = y - predicted[i];
    const d = y - mean;
    ssRes += e * e;
    ssTot += d * d;
  }
  return ssTot === 0 ? Number.NaN : 1 - ssRes / ssTot;
}

export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i] - predicted[i];
    ss += e * e;
  }
  return Math.sqrt(ss / n);
}

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(actual[i] - predicted[i]);
  return s / n;
}

/** Median of |actual − predicted|: half the rows are off by less. */
export function medianAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted);
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = Math.abs(actual[i] - predicted[i]);
  return medianInPlace(errors, n);
}

/**
 * Share (0…1) of rows whose actual value is within ±`fraction` of the
 * prediction: |actual − predicted| <= fraction · |predicted|.
 */
export function shareWithin(actual: ArrayLike<number>, predicted: ArrayLike<number>, fraction: number): number {
  const n = checkPair(actual, predicted);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i];
    if (Math.abs(actual[i] - p) <= fraction * Math.abs(p)) hits++;
  }
  return hits / n;
}
