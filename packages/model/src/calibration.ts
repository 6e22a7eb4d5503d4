import type { CalibrationBin } from './artifact';
import { ModelError, ModelErrorCode } from './errors';
import { medianInPlace } from './median';

/** Bins of the calibration table; fewer when there are fewer held-out rows. */
export const CALIBRATION_BINS = 10;

/**
 * The held-out rows in `bins` equal-count bins of x: sorted by x (ties by
 * their order in the input), row i of n goes to bin floor(i * bins / n), so
 * bin sizes differ by at most one and a run of equal x may straddle two
 * bins. Each bin reports its x range, its count, and the median actual and
 * median predicted value: where the two medians part, the model is biased
 * there, whatever the outliers do to R².
 */
export function calibrationTable(
  xs: ArrayLike<number>,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  bins: number = CALIBRATION_BINS,
): CalibrationBin[] {
  const n = xs.length;
  if (actual.length !== n || predicted.length !== n) {
    throw new ModelError(
      ModelErrorCode.INVALID_INPUT,
      `x, actual and predicted differ in length (${n}, ${actual.length}, ${predicted.length})`,
    );
  }
  if (!Number.isInteger(bins) || bins < 1)
    throw new ModelError(ModelErrorCode.INVALID_INPUT, `bins must be a positive integer, got ${bins}`);
  const count = Math.min(bins, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  const table: CalibrationBin[] = [];
  const ys = new Float64Array(n);
  const ps = new Float64Array(n);
  for (let b = 0; b < count; b++) {
    const from = Math.ceil((b * n) / count);
    const to = Math.ceil(((b + 1) * n) / count);
    const size = to - from;
    for (let k = 0; k < size; k++) {
      const i = order[from + k];
      ys[k] = actual[i];
      ps[k] = predicted[i];
    }
    table.push({
      x_from: xs[order[from]],
      x_to: xs[order[to - 1]],
      n: size,
      median_actual: medianInPlace(ys, size),
      median_predicted: medianInPlace(ps, size),
    });
  }
  return table;
}
