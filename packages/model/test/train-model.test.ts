import { type ModelArtifact, type TrainOptions, trainModel, validateModel } from '@realxdeal/model';

const XS = Array.from({ length: 100 }, (_, i) => i);
// Deterministic noise in {−1, −0.5, 0, 0.5, 1}.
const NOISY = XS.map((x, i) => 3 + 2 * x + (((i * 7) % 5) - 2) * 0.5);
const EXACT = XS.map((x) => 3 + 2 * x);
const WHEN = new Date('2024-03-01T12:00:00.000Z');

function options(extra: Partial<TrainOptions> = {}): TrainOptions {
  return { name: 'apartment-rent-price', source: { description: 'synthetic', sha256: null }, trainedAt: WHEN, ...extra };
}

describe('trainModel', () => {
  it('splits 100 rows 80/20 with the documented defaults', () => {
    const m = trainModel(XS, NOISY, options());
    expect(m.training).toMatchObject({ n: 100, n_train: 80, n_test: 20, degree: 1, robust: false, seed: 42, holdout: 0.2 });
    expect(m.version).toBe('1.0.0');
    expect(m.feature).toEqual({ name: 'area', unit: 'm2' });
    expect(m.target).toEqual({ name: 'price', unit: 'EUR' });
    expect(m.kind).toBe('polynomial');
    expect(m.training.trained_at).toBe('2024-03-01T12:00:00.000Z');
  });

  it('honours another holdout fraction', () => {
    expect(trainModel(XS, NOISY, options({ holdout: 0.25 })).training).toMatchObject({ n_train: 75, n_test: 25 });
  });

  it('is deterministic for a seed', () => {
    const a = trainModel(XS, NOISY, options({ seed: 7 }));
    const b = trainModel(XS, NOISY, options({ seed: 7 }));
    expect(b).toEqual(a);
    expect(b.coefficients).toStrictEqual(a.coefficients);
  });

  it('draws a different split for a different seed', () => {
    const a = trainModel(XS, NOISY, options({ seed: 1 }));
    const b = trainModel(XS, NOISY, options({ seed: 2 }));
    expect(b.coefficients).not.toEqual(a.coefficients);
  });

  it('scores a perfect fit as r2 = 1 with zero errors', () => {
    const m = trainModel(XS, EXACT, options());
    expect(m.coefficients[0]).toBeCloseTo(3, 10);
    expect(m.coefficients[1]).toBeCloseTo(2, 12);
    expect(m.training.r2).toBeCloseTo(1, 12);
    expect(m.training.rmse).toBeCloseTo(0, 9);
    expect(m.training.mae).toBeCloseTo(0, 9);
  });

  it('records the x range of the training split', () => {
    const m = trainModel(XS, NOISY, options());
    expect(m.training.x_min).toBeGreaterThanOrEqual(0);
    expect(m.training.x_max).toBeLessThanOrEqual(99);
    expect(m.training.x_min).toBeLessThan(m.training.x_max);
  });

  it('produces an artifact that survives a JSON round trip', () => {
    const m: ModelArtifact = trainModel(
      XS,
      NOISY,
      options({ degree: 2, robust: true, source: { description: 'x', sha256: null, filter: { city: 'Lyon' } } }),
    );
    expect(validateModel(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it.each<[Partial<TrainOptions>, string]>([
    [{ holdout: 0 }, 'holdout'],
    [{ holdout: 1 }, 'holdout'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 1.5 }, 'seed'],
    [{ name: '' }, 'name'],
    [{ trainedAt: new Date('not a date') }, 'trainedAt'],
  ])('refuses bad options %p as MODEL_INVALID_INPUT', (extra, field) => {
    expect(() => trainModel(XS, NOISY, options(extra))).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_INPUT', field }));
  });

  it('refuses data too small to hold out a test split', () => {
    expect(() => trainModel([1, 2], [1, 2], options())).toThrow(expect.objectContaining({ code: 'MODEL_FIT_FAILED' }));
  });

  it('names the caller index of a bad value, not a shuffled one', () => {
    const ys = [...NOISY];
    ys[17] = Number.NaN;
    expect(() => trainModel(XS, ys, options())).toThrow(expect.objectContaining({ code: 'MODEL_FIT_FAILED', field: 'y[17]' }));
  });
});
