/**
 * Least squares by a QR factorisation built one row at a time with Givens
 * rotations (Gentleman 1973; Miller, AS 274). Only the p×p triangle R and
 * Qᵀy are kept, so memory is O(p²) for any number of rows and the condition
 * number is not squared the way it is with normal equations.
 */
export interface IncrementalQr {
  readonly p: number;
  /** Upper triangle of R, row-major p×p. */
  readonly r: Float64Array;
  /** Qᵀy, first p entries. */
  readonly qty: Float64Array;
  /** Σ row[k]² per column: the yardstick for the rank test. */
  readonly columnSquares: Float64Array;
}

export function createQr(p: number): IncrementalQr {
  return { p, r: new Float64Array(p * p), qty: new Float64Array(p), columnSquares: new Float64Array(p) };
}

/** Rotates one row `[row | b]` into R. `row` is clobbered. */
export function addRow(qr: IncrementalQr, row: Float64Array, b: number): void {
  const { p, r, qty, columnSquares } = qr;
  for (let k = 0; k < p; k++) {
    const v = row[k];
    columnSquares[k] = columnSquares[k] + v * v;
  }
  for (let k = 0; k < p; k++) {
    const a = row[k];
    if (a === 0) continue;
    const kk = k * p + k;
    const d = r[kk];
    const rho = Math.sqrt(d * d + a * a);
    const c = d / rho;
    const s = a / rho;
    r[kk] = rho;
    for (let j = k + 1; j < p; j++) {
      const t = r[k * p + j];
      const u = row[j];
      r[k * p + j] = c * t + s * u;
      row[j] = c * u - s * t;
    }
    const t = qty[k];
    qty[k] = c * t + s * b;
    b = c * b - s * t;
  }
}

/**
 * Back-substitutes R·β = Qᵀy. Returns the index of the first column that is
 * numerically dependent on earlier ones (|R_kk| tiny against the column's
 * own norm), or -1 when β was written.
 */
export function solveQr(qr: IncrementalQr, beta: Float64Array): number {
  const { p, r, qty, columnSquares } = qr;
  for (let k = 0; k < p; k++) {
    if (Math.abs(r[k * p + k]) <= 1e-10 * Math.sqrt(columnSquares[k])) return k;
  }
  for (let k = p - 1; k >= 0; k--) {
    let acc = qty[k];
    for (let j = k + 1; j < p; j++) acc -= r[k * p + j] * beta[j];
    beta[k] = acc / r[k * p + k];
  }
  return -1;
}
