/**
 * The fit works in z = (x − mean)/std, where the columns 1, z, z², … are of
 * order one and nearly orthogonal, instead of raw x (areas, or x ≈ 1e6),
 * where they are almost parallel.
 */
export interface Scaling {
  mean: number;
  std: number;
}

/** Mean, shifted by v[0] so a large common offset does not eat the digits. */
export function meanOf(values: ArrayLike<number>): number {
  const n = values.length;
  const shift = values[0];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] - shift;
  return shift + sum / n;
}

/**
 * Mean and population standard deviation; the second pass adds the usual
 * correction term for the rounding error of the mean.
 */
export function scalingOf(xs: ArrayLike<number>): Scaling {
  const n = xs.length;
  const mean = meanOf(xs);
  let sq = 0;
  let lin = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - mean;
    sq += d * d;
    lin += d;
  }
  const variance = Math.max(0, (sq - (lin * lin) / n) / n);
  return { mean, std: Math.sqrt(variance) };
}

/** Pascal's triangle up to `degree`. */
function binomials(degree: number): number[][] {
  const rows: number[][] = [[1]];
  for (let k = 1; k <= degree; k++) {
    const prev = rows[k - 1];
    const row = [1];
    for (let j = 1; j < k; j++) row.push(prev[j - 1] + prev[j]);
    row.push(1);
    rows.push(row);
  }
  return rows;
}

/**
 * Rewrites Σ g_k·z^k with z = a·x + c (a = 1/std, c = −mean/std) as
 * Σ b_j·x^j by the binomial expansion
 *   b_j = a^j · Σ_{k≥j} g_k · C(k, j) · c^(k−j).
 * The artifact stores raw-x coefficients so a person can read and reuse them
 * without knowing the scaling.
 */
export function toRawCoefficients(g: ArrayLike<number>, scaling: Scaling): number[] {
  const degree = g.length - 1;
  const a = 1 / scaling.std;
  const c = -scaling.mean / scaling.std;
  const choose = binomials(degree);
  const b: number[] = [];
  for (let j = 0; j <= degree; j++) {
    let acc = 0;
    for (let k = degree; k >= j; k--) {
      acc += g[k] * choose[k][j] * c ** (k - j);
    }
    b.push(acc * a ** j);
  }
  return b;
}
