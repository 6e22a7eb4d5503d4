import { ModelError, describeValue, ModelErrorCode } from './errors';
import { addRow, createQr, solveQr } from './incremental-qr';
import { medianInPlace } from './median';
import { checkSamples } from './samples';
import { type Scaling, meanOf, scalingOf, toRawCoefficients } from './scaled-basis';

export interface FitOptions {
  /** Polynomial degree, integer 0…MAX_DEGREE; default 1. */
  degree?: number;
  /** Huber M-estimation by IRLS instead of plain least squares; default false. */
  robust?: boolean;
}

export interface FitResult {
  /** `[b0, b1, ...]` in raw x: y ≈ b0 + b1·x + b2·x² … */
  coefficients: number[];
  /** Weighted least-squares solves performed: 1 for a plain fit. */
  iterations: number;
}

/** Beyond this the raw-x coefficients of the artifact lose too many digits to be worth storing. */
export const MAX_DEGREE = 10;

/** Huber tuning constant: 95% efficiency at the normal distribution. */
const HUBER_K = 1.345;
/** MAD / 0.6745 estimates σ for normal errors (0.6745 = Φ⁻¹(0.75)). */
const MAD_TO_SIGMA = 1 / 0.6744897501960817;
const IRLS_MAX_ITERATIONS = 100;
const IRLS_RELATIVE_TOLERANCE = 1e-10;
/** Below this fraction of the y range the fit already interpolates half the points. */
const SCALE_FLOOR = 1e-12;

/** Options with defaults applied; throws MODEL_INVALID_INPUT naming the bad one. */
export function readFitOptions(options: FitOptions): { degree: number; robust: boolean } {
  const degree = options.degree ?? 1;
  if (!Number.isInteger(degree) || degree < 0 || degree > MAX_DEGREE) {
    throw new ModelError(ModelErrorCode.INVALID_INPUT, `degree must be an integer in 0…${MAX_DEGREE}, got ${describeValue(degree)}`, {
      field: 'degree',
    });
  }
  const robust = options.robust ?? false;
  if (typeof robust !== 'boolean') {
    throw new ModelError(ModelErrorCode.INVALID_INPUT, `robust must be a boolean, got ${describeValue(robust)}`, { field: 'robust' });
  }
  return { degree, robust };
}

/**
 * The data as the solver sees it. y is centred too: QR's rounding error is
 * relative to |y|, so a large common level (y ≈ 3e12 in the badly scaled
 * test) would swamp the curvature; the intercept absorbs the shift.
 */
interface Centred {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  scaling: Scaling;
  yMean: number;
}

/**
 * One pass over the data: each (optionally weighted) row [1, z, …, z^d | y − ȳ]
 * is rotated into R. Writes the z-basis coefficients of y − ȳ into `g`.
 */
function solvePass({ xs, ys, scaling, yMean }: Centred, weights: Float64Array | null, g: Float64Array): void {
  const p = g.length;
  const qr = createQr(p);
  const row = new Float64Array(p);
  const { mean } = scaling;
  const inv = 1 / scaling.std;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    let sw = 1;
    if (weights !== null) {
      const w = weights[i];
      if (w === 0) continue;
      sw = Math.sqrt(w);
    }
    const z = (xs[i] - mean) * inv;
    let v = sw;
    for (let k = 0; k < p; k++) {
      row[k] = v;
      v *= z;
    }
    addRow(qr, row, sw * (ys[i] - yMean));
  }
  const dependent = solveQr(qr, g);
  if (dependent >= 0) {
    throw new ModelError(
      ModelErrorCode.FIT_FAILED,
      `x has too few distinct values for degree ${p - 1}: the z^${dependent} column is a combination of the lower powers`,
    );
  }
}

/** Writes y − ŷ into `residuals`. */
function residualsOf({ xs, ys, scaling, yMean }: Centred, g: Float64Array, residuals: Float64Array): void {
  const top = g.length - 1;
  const { mean } = scaling;
  const inv = 1 / scaling.std;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const z = (xs[i] - mean) * inv;
    let acc = g[top];
    for (let k = top - 1; k >= 0; k--) acc = acc * z + g[k];
    residuals[i] = ys[i] - yMean - acc;
  }
}

function rangeOf(values: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/**
 * Huber IRLS, starting from the least-squares solution `g`:
 *   σ̂ = median|r_i| / 0.6745 (residuals are centred by the intercept),
 *   k = 1.345·σ̂, w_i = 1 if |r_i| ≤ k else k/|r_i|,
 * re-solve, and repeat with σ̂ re-estimated until the largest change of a
 * z-basis coefficient is ≤ 1e-10 × the largest coefficient, σ̂ falls to
 * ~0 (half the points are fitted exactly), or 100 solves were made.
 * Returns the number of solves including the first.
 */
function huberIrls(data: Centred, g: Float64Array): number {
  const n = data.xs.length;
  const weights = new Float64Array(n);
  const scratch = new Float64Array(n);
  const next = new Float64Array(g.length);
  const floor = SCALE_FLOOR * rangeOf(data.ys);
  let solves = 1;
  while (solves < IRLS_MAX_ITERATIONS) {
    residualsOf(data, g, weights);
    for (let i = 0; i < n; i++) scratch[i] = Math.abs(weights[i]);
    const sigma = medianInPlace(scratch, n) * MAD_TO_SIGMA;
    if (sigma <= floor) break;
    const k = HUBER_K * sigma;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(weights[i]);
      weights[i] = r <= k ? 1 : k / r;
    }
    solvePass(data, weights, next);
    solves++;
    let change = 0;
    let size = 0;
    for (let j = 0; j < g.length; j++) {
      change = Math.max(change, Math.abs(next[j] - g[j]));
      size = Math.max(size, Math.abs(next[j]));
      g[j] = next[j];
    }
    if (change <= IRLS_RELATIVE_TOLERANCE * size) break;
  }
  return solves;
}

/**
 * Polynomial least squares of y on x.
 *
 * x is centred and scaled (z = (x − mean)/std) and y centred; the
 * Vandermonde rows in z are folded one at a time into a QR factorisation by
 * Givens rotations (the same R as Householder QR, but O(p²) memory and no
 * per-point allocation, O(n·p²) time), and the z-basis solution is expanded
 * back to raw-x coefficients.
 *
 * Throws MODEL_FIT_FAILED on mismatched lengths, fewer than degree+1 points,
 * non-finite values, zero variance in x (degree ≥ 1) or too few distinct x.
 */
export function fit(xs: ArrayLike<number>, ys: ArrayLike<number>, options: FitOptions = {}): FitResult {
  const { degree, robust } = readFitOptions(options);
  checkSamples(xs, ys, degree + 1);
  let scaling = scalingOf(xs);
  if (scaling.std === 0) {
    if (degree > 0) {
      throw new ModelError(
        ModelErrorCode.FIT_FAILED,
        `x has zero variance (every x is ${scaling.mean}); a degree-${degree} fit needs distinct x values`,
      );
    }
    // A constant model never looks at x; any scale will do.
    scaling = { mean: scaling.mean, std: 1 };
  }
  const data: Centred = { xs, ys, scaling, yMean: meanOf(ys) };
  const g = new Float64Array(degree + 1);
  solvePass(data, null, g);
  const iterations = robust ? huberIrls(data, g) : 1;
  g[0] = g[0] + data.yMean;
  const coefficients = toRawCoefficients(g, scaling);
  const bad = coefficients.findIndex((c) => !Number.isFinite(c));
  if (bad >= 0) {
    throw new ModelError(ModelErrorCode.FIT_FAILED, `coefficient b${bad} overflowed; the data is too badly scaled for degree ${degree}`);
  }
  return { coefficients, iterations };
}
