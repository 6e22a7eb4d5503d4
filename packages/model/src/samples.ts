import { ModelError, describeValue, ModelErrorCode } from './errors';

/**
 * Refuses paired samples that no polynomial fit can use. Indices in messages
 * are the caller's, so this runs before any split or copy.
 */
export function checkSamples(xs: ArrayLike<number>, ys: ArrayLike<number>, minPoints: number): void {
  const n = xs.length;
  if (ys.length !== n) {
    throw new ModelError(ModelErrorCode.FIT_FAILED, `x and y differ in length (${n} vs ${ys.length})`);
  }
  if (n < minPoints) {
    throw new ModelError(ModelErrorCode.FIT_FAILED, `need at least ${minPoints} points for this degree, got ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const x: unknown = xs[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ModelError(ModelErrorCode.FIT_FAILED, `x[${i}] must be a finite number, got ${describeValue(x)}`, { field: `x[${i}]` });
    }
    const y: unknown = ys[i];
    if (typeof y !== 'number' || !Number.isFinite(y)) {
      throw new ModelError(ModelErrorCode.FIT_FAILED, `y[${i}] must be a finite number, got ${describeValue(y)}`, { field: `y[${i}]` });
    }
  }
}
