import { calibrationTable, medianAbsoluteError, shareWithin, trainModel, validateModel } from '@realxdeal/model';
import { validArtifact } from './__fixtures__/valid-artifact';

describe('calibrationTable', () => {
  it('bins the held-out rows by x into equal counts, with the median actual and predicted of each (hand-computed)', () => {
    // Ten rows given out of x order; price = 100·x except x = 4, typed in cents (4000 for 400).
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    const actual = xs.map((x) => (x === 4 ? 4000 : 100 * x));
    // A model that is 10 too high everywhere.
    const predicted = xs.map((x) => 100 * x + 10);
    expect(calibrationTable(xs, actual, predicted, 5)).toEqual([
      // x 1, 2: actual 100, 200 → 150; predicted 110, 210 → 160.
      { x_from: 1, x_to: 2, n: 2, median_actual: 150, median_predicted: 160 },
      // x 3, 4: actual 300, 4000 → 2150 (the outlier pulls a median of two); predicted 310, 410 → 360.
      { x_from: 3, x_to: 4, n: 2, median_actual: 2150, median_predicted: 360 },
      { x_from: 5, x_to: 6, n: 2, median_actual: 550, median_predicted: 560 },
      { x_from: 7, x_to: 8, n: 2, median_actual: 750, median_predicted: 760 },
      { x_from: 9, x_to: 10, n: 2, median_actual: 950, median_predicted: 960 },
    ]);
  });

  it('spreads a remainder so bin sizes differ by at most one: 7 rows in 3 bins are 3, 2, 2', () => {
    // Row i (in x order) goes to bin floor(3i/7): 0,0,0,1,1,2,2.
    const xs = [1, 2, 3, 4, 5, 6, 7];
    const bins = calibrationTable(xs, xs, xs, 3);
    expect(bins.map((b) => [b.x_from, b.x_to, b.n, b.median_actual])).toEqual([
      [1, 3, 3, 2],
      [4, 5, 2, 4.5],
      [6, 7, 2, 6.5],
    ]);
  });

  it('makes one bin per row when there are fewer rows than bins', () => {
    expect(
      calibrationTable([3, 1, 2], [30, 10, 20], [31, 11, 21]).map((b) => [b.x_from, b.n, b.median_actual, b.median_predicted]),
    ).toEqual([
      [1, 1, 10, 11],
      [2, 1, 20, 21],
      [3, 1, 30, 31],
    ]);
  });
});

describe('robust metrics', () => {
  it('median absolute error: errors 0, 1, 2, 9 have median 1.5 (the 9 does not move it)', () => {
    expect(medianAbsoluteError([1, 2, 3, 10], [1, 1, 1, 1])).toBe(1.5);
  });

  it('share within ±25 % of the prediction: 100, 125 and 75 are, 126 and 74 are not', () => {
    expect(shareWithin([100, 125, 126, 75, 74], [100, 100, 100, 100, 100], 0.25)).toBe(0.6);
  });
});

describe('trainModel records the robust metrics and the calibration table', () => {
  const XS = Array.from({ length: 100 }, (_, i) => i);
  const EXACT = XS.map((x) => 3 + 2 * x);
  const model = trainModel(XS, EXACT, {
    name: 'line',
    source: { description: 'synthetic', sha256: null },
    trainedAt: new Date('2024-03-01T00:00:00Z'),
  });

  it('on an exact line: no error, every row within 25 %, ten bins of two whose medians sit on the line', () => {
    const t = model.training;
    expect(t.median_absolute_error).toBeCloseTo(0, 9);
    expect(t.within_25_percent).toBe(1);
    const bins = t.calibration ?? [];
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.n)).toEqual(Array(10).fill(2));
    for (const [i, b] of bins.entries()) {
      // Two rows: the median is the mean, and on y = 3 + 2x that is 3 + (x_from + x_to).
      expect(b.median_actual).toBe(3 + b.x_from + b.x_to);
      expect(b.median_predicted).toBeCloseTo(3 + b.x_from + b.x_to, 9);
      if (i > 0) expect(b.x_from).toBeGreaterThanOrEqual(bins[i - 1].x_to);
    }
  });

  it('survives the JSON round trip and validation unchanged', () => {
    expect(validateModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });
});

describe('validateModel and the new fields', () => {
  function artifact(training: Record<string, unknown> = {}): Record<string, unknown> {
    const base = validArtifact();
    return { ...base, training: { ...base.training, ...training } };
  }

  it('loads an artifact trained before them, without inventing them', () => {
    const t = validateModel(artifact()).training;
    expect('median_absolute_error' in t || 'within_25_percent' in t || 'calibration' in t).toBe(false);
  });

  it.each([
    [{ within_25_percent: 1.5 }, 'training.within_25_percent: must be a share in [0, 1], got 1.5'],
    [{ median_absolute_error: -1 }, 'training.median_absolute_error: must be >= 0, got -1'],
    [{ calibration: {} }, 'training.calibration: must be an array of bins'],
    [
      { calibration: [{ x_from: 2, x_to: 1, n: 1, median_actual: 1, median_predicted: 1 }] },
      'training.calibration[0].x_from: (2) is greater than x_to (1)',
    ],
    [
      { calibration: [{ x_from: 1, x_to: 2, n: 0, median_actual: 1, median_predicted: 1 }] },
      'training.calibration[0].n: must be an integer >= 1, got 0',
    ],
  ])('refuses %j', (training, message) => {
    expect(() => validateModel(artifact(training))).toThrow(message);
  });
});
