import { type ModelArtifact, ModelError, isExtrapolated, predict, predictMany, validateModel } from '@realxdeal/model';

function model(coefficients: number[], xMin = 20, xMax = 200): ModelArtifact {
  return validateModel({
    name: 'apartment-rent-price',
    version: '1.0.0',
    feature: { name: 'area', unit: 'm2' },
    target: { name: 'price', unit: 'EUR' },
    kind: 'polynomial',
    coefficients,
    training: {
      n: 10,
      n_train: 8,
      n_test: 2,
      degree: coefficients.length - 1,
      robust: false,
      r2: 0.5,
      rmse: 10,
      mae: 8,
      x_min: xMin,
      x_max: xMax,
      trained_at: '2024-03-01T12:00:00.000Z',
      seed: 42,
      holdout: 0.2,
      source: { description: 'unit test', sha256: null },
    },
  });
}

const LINE = model([100, 12]);
const CUBIC = model([5, -1, 0.5, 0.25]);

describe('predict', () => {
  it('evaluates b0 + b1·x', () => {
    // 100 + 12 · 50 = 700
    expect(predict(LINE, 50)).toEqual({ x: 50, prediction: 700, extrapolated: false });
  });

  it('evaluates higher powers', () => {
    // 5 − 2 + 0.5·4 + 0.25·8 = 7
    expect(predict(CUBIC, 2).prediction).toBe(7);
  });

  it.each<[unknown, string]>([
    [Number.NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    [-Infinity, 'got -Infinity'],
    ['2', 'got string'],
    [null, 'got null'],
    [undefined, 'got undefined'],
  ])('refuses x = %p as MODEL_INVALID_INPUT', (x, detail) => {
    try {
      predict(LINE, x);
    } catch (err) {
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).code).toBe('MODEL_INVALID_INPUT');
      expect((err as ModelError).field).toBe('x');
      expect((err as ModelError).message).toBe(`x must be a finite number, ${detail}`);
      return;
    }
    throw new Error('expected predict to throw');
  });
});

describe('extrapolation', () => {
  it.each<[number, boolean]>([
    [19.99, true],
    [20, false],
    [100, false],
    [200, false],
    [200.01, true],
    [-5, true],
  ])('x = %p is extrapolated: %p', (x, expected) => {
    expect(isExtrapolated(LINE, x)).toBe(expected);
    expect(predict(LINE, x).extrapolated).toBe(expected);
  });
});

describe('predictMany', () => {
  const xs = [20, 33.5, 50, 0, -7.25, 1e3, 199.9];

  it.each([
    ['line', LINE],
    ['cubic', CUBIC],
  ])('equals predict for each value (%s), from number[] and Float64Array', (_label, m) => {
    const expected = xs.map((x) => predict(m, x).prediction);
    expect(Array.from(predictMany(m, xs))).toEqual(expected);
    expect(Array.from(predictMany(m, Float64Array.from(xs)))).toEqual(expected);
  });

  it('handles an odd and an even number of values', () => {
    expect(Array.from(predictMany(LINE, [1]))).toEqual([112]);
    expect(Array.from(predictMany(LINE, Float64Array.of(1, 2)))).toEqual([112, 124]);
    expect(predictMany(LINE, new Float64Array(0))).toHaveLength(0);
  });

  it('writes into a given buffer and returns exactly xs.length values', () => {
    const out = new Float64Array(5);
    const same = predictMany(LINE, Float64Array.of(0, 1, 2, 3, 4), out);
    expect(same).toBe(out);
    expect(Array.from(out)).toEqual([100, 112, 124, 136, 148]);
    const head = predictMany(LINE, [10, 20], out);
    expect(Array.from(head)).toEqual([220, 340]);
    expect(head.buffer).toBe(out.buffer);
  });

  it('refuses a buffer that is too small', () => {
    expect(() => predictMany(LINE, [1, 2, 3], new Float64Array(2))).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID_INPUT', field: 'out' }),
    );
  });

  it.each([Number.NaN, Infinity, -Infinity])('names the index of a %p value', (bad) => {
    for (const m of [LINE, CUBIC]) {
      const values = [1, 2, 3, bad, 5, Number.NaN];
      for (const input of [values, Float64Array.from(values)]) {
        expect(() => predictMany(m, input)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_INPUT', field: 'x[3]' }));
      }
    }
  });

  it('refuses a non-number hidden in a number[]', () => {
    const values = [1, '2', 3] as unknown as number[];
    expect(() => predictMany(LINE, values)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_INPUT', field: 'x[1]' }));
  });
});
