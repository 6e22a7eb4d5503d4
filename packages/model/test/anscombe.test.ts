import { fit } from '@realxdeal/model';

// Anscombe, F. J. (1973). "Graphs in Statistical Analysis". The American
// Statistician 27(1): 17–21, Table 1. For every set the paper gives the
// regression line y = 3 + 0.5x and r² = 0.67 (to the printed precision).
const x123 = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const SETS: Array<[string, number[], number[]]> = [
  ['I', x123, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]],
  ['II', x123, [9.14, 8.14, 8.74, 8.77, 9.26, 8.1, 6.13, 3.1, 9.13, 7.26, 4.74]],
  ['III', x123, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]],
  ['IV', [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8], [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.5, 5.56, 7.91, 6.89]],
];

/** Test-local r², independent of the package's metric helpers. */
function rSquared(xs: number[], ys: number[], b0: number, b1: number): number {
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  const ssTot = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  const ssRes = ys.reduce((s, y, i) => s + (y - (b0 + b1 * xs[i])) ** 2, 0);
  return 1 - ssRes / ssTot;
}

describe("Anscombe's quartet", () => {
  it.each(SETS)('set %s fits y ≈ 3.00 + 0.500·x with r² ≈ 0.67', (_name, xs, ys) => {
    const [b0, b1] = fit(xs, ys).coefficients as [number, number];
    expect(b0).toBeCloseTo(3.0, 2);
    expect(b1).toBeCloseTo(0.5, 3);
    expect(rSquared(xs, ys, b0, b1)).toBeCloseTo(0.67, 2);
  });
});
