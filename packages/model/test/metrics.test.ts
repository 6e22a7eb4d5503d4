import { meanAbsoluteError, r2, rootMeanSquaredError } from '@realxdeal/model';

describe('metrics', () => {
  // actual [1, 2, 3, 4], predicted [1, 2, 3, 5]: residuals [0, 0, 0, −1];
  // mean 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5, SS_res = 1.
  const actual = [1, 2, 3, 4];
  const predicted = Float64Array.of(1, 2, 3, 5);

  it('r2 = 1 − SS_res/SS_tot = 0.8', () => {
    expect(r2(actual, predicted)).toBeCloseTo(0.8, 14);
  });

  it('rootMeanSquaredError = √(1/4) = 0.5', () => {
    expect(rootMeanSquaredError(actual, predicted)).toBeCloseTo(0.5, 14);
  });

  it('meanAbsoluteError = 1/4', () => {
    expect(meanAbsoluteError(actual, predicted)).toBeCloseTo(0.25, 14);
  });

  it('r2 is NaN, not a made-up number, when every actual value is equal', () => {
    expect(r2([2, 2, 2], [2, 2, 3])).toBeNaN();
  });

  it('refuses empty or mismatched inputs', () => {
    expect(() => rootMeanSquaredError([], [])).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_INPUT' }));
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_INPUT' }));
  });
});
