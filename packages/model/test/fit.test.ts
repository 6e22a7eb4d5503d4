import { ModelError, fit } from '@realxdeal/model';

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}

function expectFitFailure(run: () => unknown, message: RegExp, field?: string): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    const e = err as ModelError;
    expect(e.code).toBe('MODEL_FIT_FAILED');
    expect(e.message).toMatch(message);
    if (field !== undefined) expect(e.field).toBe(field);
    return;
  }
  throw new Error('expected fit to throw');
}

describe('fit', () => {
  it('recovers the line y = 3 + 2x exactly', () => {
    const xs = range(0, 9);
    const { coefficients, iterations } = fit(
      xs,
      xs.map((x) => 3 + 2 * x),
    );
    expect(coefficients).toHaveLength(2);
    expect(coefficients[0]).toBeCloseTo(3, 12);
    expect(coefficients[1]).toBeCloseTo(2, 12);
    expect(iterations).toBe(1);
  });

  it('recovers the quadratic y = 1 − 2x + 0.5x² exactly', () => {
    const xs = range(-3, 6);
    const { coefficients } = fit(
      xs,
      xs.map((x) => 1 - 2 * x + 0.5 * x * x),
      { degree: 2 },
    );
    expect(coefficients).toHaveLength(3);
    expect(coefficients[0]).toBeCloseTo(1, 11);
    expect(coefficients[1]).toBeCloseTo(-2, 11);
    expect(coefficients[2]).toBeCloseTo(0.5, 11);
  });

  it('recovers the cubic y = 2 − x² + 0.25x³ exactly', () => {
    const xs = range(-4, 7);
    const { coefficients } = fit(
      xs,
      xs.map((x) => 2 - x * x + 0.25 * x ** 3),
      { degree: 3 },
    );
    [2, 0, -1, 0.25].forEach((b, j) => expect(coefficients[j]).toBeCloseTo(b, 10));
  });

  it('fits a constant (degree 0) as the mean of y, even when x does not vary', () => {
    // (1 + 2 + 3 + 6) / 4 = 3
    expect(fit([5, 5, 5, 5], [1, 2, 3, 6], { degree: 0 }).coefficients[0]).toBeCloseTo(3, 14);
  });

  it('accepts Float64Array input as well as number[]', () => {
    const xs = Float64Array.from(range(0, 9));
    const ys = xs.map((x) => 3 + 2 * x);
    const { coefficients } = fit(xs, ys);
    expect(coefficients[0]).toBeCloseTo(3, 12);
    expect(coefficients[1]).toBeCloseTo(2, 12);
  });

  describe('badly scaled x (x = 1e6 + i)', () => {
    const xs = range(0, 19).map((i) => 1e6 + i);

    it('fits a degree-1 line exactly', () => {
      const { coefficients } = fit(
        xs,
        xs.map((x) => 3 + 2 * x),
      );
      // y ≈ 2e6 is exact in binary, so only the solver's rounding is left:
      // the slope to ~1e-12, and the intercept, an extrapolation 1e6 units
      // away from the data, to ~1e6 × that.
      expect(coefficients[1]).toBeCloseTo(2, 10);
      expect(coefficients[0]).toBeCloseTo(3, 3);
    });

    it('fits a degree-2 curve exactly', () => {
      const truth = (x: number): number => 1 + 2 * x + 3 * x * x;
      const ys = xs.map(truth);
      const { coefficients } = fit(xs, ys, { degree: 2 });
      const [b0, b1, b2] = coefficients as [number, number, number];
      // y ≈ 3e12 while the curvature over the 19-wide window is only
      // 3·(i − 9.5)² ≤ 271, and in the raw basis b0 and b1 cancel against
      // b2·x² ≈ 3e12: they are fixed only to ~|y|·ε/curvature·x², so the
      // check is on the fitted function and on the leading coefficient.
      expect(Math.abs(b2 - 3) / 3).toBeLessThan(1e-8);
      for (const x of xs) {
        const fitted = b0 + x * (b1 + x * b2);
        expect(Math.abs(fitted - truth(x)) / truth(x)).toBeLessThan(1e-12);
      }
    });
  });

  describe('robust (Huber IRLS)', () => {
    // x = 0…99, y = 10 + 2x + e with |e| ≤ 1; the five points x = 95…99
    // (5%) carry a gross +500 error.
    // Least squares moves the slope by 500·Σ_{95..99}(x − 49.5)/Sxx
    // = 500 · 237.5 / 83325 ≈ 1.425 (Sxx = 100·(100² − 1)/12 = 83325), and
    // the noise by at most Σ|x − 49.5|/Sxx = 2500/83325 ≈ 0.03; so the LS
    // slope lies in [3.39, 3.46], far from 2. Huber caps each outlier's pull
    // at k·(x − x̄), k ≈ 1.345·σ ≈ 1, i.e. ≈ 1·237.5/83325 < 0.003 in total.
    const xs = range(0, 99);
    const noise = (i: number): number => (((i * 7) % 5) - 2) * 0.5;
    const ys = xs.map((x, i) => 10 + 2 * x + noise(i) + (x >= 95 ? 500 : 0));

    it('keeps the slope within 2% of the truth', () => {
      const { coefficients, iterations } = fit(xs, ys, { robust: true });
      expect(Math.abs(coefficients[1] - 2) / 2).toBeLessThan(0.02);
      expect(iterations).toBeGreaterThan(1);
      expect(iterations).toBeLessThanOrEqual(100);
    });

    it('where plain least squares does not', () => {
      const slope = fit(xs, ys).coefficients[1];
      expect(slope).toBeGreaterThan(3.39);
      expect(slope).toBeLessThan(3.46);
    });

    it('recovers an exact line through gross outliers', () => {
      const clean = xs.map((x) => 10 + 2 * x + (x % 20 === 7 ? -300 : 0));
      const { coefficients } = fit(xs, clean, { robust: true });
      expect(coefficients[0]).toBeCloseTo(10, 4);
      expect(coefficients[1]).toBeCloseTo(2, 6);
    });

    it('stops after one solve when least squares is already exact', () => {
      const exact = fit(
        xs,
        xs.map((x) => 10 + 2 * x),
        { robust: true },
      );
      expect(exact.iterations).toBe(1);
      expect(exact.coefficients[1]).toBeCloseTo(2, 12);
    });
  });

  describe('refuses data it cannot fit', () => {
    it('x and y of different lengths', () => {
      expectFitFailure(() => fit([1, 2, 3], [1, 2]), /differ in length \(3 vs 2\)/);
    });

    it('fewer points than degree + 1', () => {
      expectFitFailure(() => fit([1, 2], [1, 2], { degree: 2 }), /at least 3 points/);
    });

    it('a non-finite x, naming its index', () => {
      expectFitFailure(() => fit([1, 2, Number.NaN, 4], [1, 2, 3, 4]), /x\[2\] must be a finite number, got NaN/, 'x[2]');
    });

    it('a non-finite y, naming its index', () => {
      expectFitFailure(() => fit([1, 2, 3], [1, Infinity, 3]), /y\[1\].*got Infinity/, 'y[1]');
    });

    it('zero variance in x', () => {
      expectFitFailure(() => fit([4, 4, 4], [1, 2, 3]), /zero variance/);
    });

    it('too few distinct x values for the degree', () => {
      expectFitFailure(() => fit([1, 1, 2, 2], [1, 1, 2, 2], { degree: 2 }), /too few distinct values/);
    });
  });

  it('rejects a degree that is not a small non-negative integer as invalid input', () => {
    for (const degree of [-1, 1.5, 11, Number.NaN]) {
      expect(() => fit([1, 2, 3], [1, 2, 3], { degree })).toThrow(
        expect.objectContaining({ code: 'MODEL_INVALID_INPUT', field: 'degree' }),
      );
    }
  });
});
