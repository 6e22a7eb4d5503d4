import type { ModelArtifact, TrainingInfo } from './artifact';
import { ModelError, describeValue, ModelErrorCode } from './errors';
import { type FitOptions, fit, readFitOptions } from './fit';
import { CALIBRATION_BINS, calibrationTable } from './calibration';
import { meanAbsoluteError, medianAbsoluteError, r2, rootMeanSquaredError, shareWithin } from './metrics';
import { predictMany } from './predict';
import { shuffledIndices } from './random';
import { checkSamples } from './samples';
import { validateModel } from './validate-model';

export interface TrainOptions extends FitOptions {
  name: string;
  /** Default '1.0.0'. */
  version?: string;
  /** Default { name: 'area', unit: 'm2' }. */
  feature?: { name: string; unit: string };
  /** Default { name: 'price', unit: 'EUR' }. */
  target?: { name: string; unit: string };
  /** uint32; default 42. */
  seed?: number;
  /** Fraction of rows held out for the metrics, in (0, 1); default 0.2. */
  holdout?: number;
  source: TrainingInfo['source'];
  /** Default now; injectable so a training run can be reproduced byte for byte. */
  trainedAt?: Date;
}

const DEFAULTS = {
  version: '1.0.0',
  feature: { name: 'area', unit: 'm2' },
  target: { name: 'price', unit: 'EUR' },
  seed: 42,
  holdout: 0.2,
} as const;

function inputError(field: string, message: string): ModelError {
  return new ModelError(ModelErrorCode.INVALID_INPUT, `${field} ${message}`, { field });
}

interface Split {
  trainX: Float64Array;
  trainY: Float64Array;
  testX: Float64Array;
  testY: Float64Array;
}

/** The first n_test indices of a seeded shuffle are the test split. */
function split(xs: ArrayLike<number>, ys: ArrayLike<number>, nTest: number, seed: number): Split {
  const n = xs.length;
  const order = shuffledIndices(n, seed);
  const s: Split = {
    trainX: new Float64Array(n - nTest),
    trainY: new Float64Array(n - nTest),
    testX: new Float64Array(nTest),
    testY: new Float64Array(nTest),
  };
  for (let i = 0; i < n; i++) {
    const j = order[i];
    if (i < nTest) {
      s.testX[i] = xs[j];
      s.testY[i] = ys[j];
    } else {
      s.trainX[i - nTest] = xs[j];
      s.trainY[i - nTest] = ys[j];
    }
  }
  return s;
}

function range(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Fits on a seeded holdout split and scores on the held-out rows, so the
 * metrics in the artifact are honest out-of-sample numbers. Same inputs and
 * seed give the same artifact (bar `trained_at` unless `trainedAt` is set).
 * x_min/x_max are those of the training split: that is the range the fit saw.
 */
export function trainModel(xs: ArrayLike<number>, ys: ArrayLike<number>, options: TrainOptions): ModelArtifact {
  const { degree, robust } = readFitOptions(options);
  const seed = options.seed ?? DEFAULTS.seed;
  const holdout = options.holdout ?? DEFAULTS.holdout;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw inputError('seed', `must be an integer in 0…4294967295, got ${describeValue(seed)}`);
  }
  if (typeof holdout !== 'number' || !(holdout > 0 && holdout < 1)) {
    throw inputError('holdout', `must be a number in (0, 1), got ${describeValue(holdout)}`);
  }
  const trainedAt = options.trainedAt ?? new Date();
  if (!(trainedAt instanceof Date) || Number.isNaN(trainedAt.getTime())) {
    throw inputError('trainedAt', `must be a valid Date, got ${describeValue(trainedAt)}`);
  }
  // Validate the whole input here so errors name the caller's indices, not
  // positions inside a shuffled split.
  checkSamples(xs, ys, 1);
  const n = xs.length;
  const minTrain = degree + 1;
  const nTest = Math.min(Math.max(1, Math.round(n * holdout)), n - minTrain);
  if (nTest < 1) {
    throw new ModelError(
      ModelErrorCode.FIT_FAILED,
      `need at least ${minTrain + 1} points to hold out a test split for degree ${degree}, got ${n}`,
    );
  }
  const parts = split(xs, ys, nTest, seed);
  const { coefficients } = fit(parts.trainX, parts.trainY, { degree, robust });
  const artifactSoFar: ModelArtifact = {
    name: options.name,
    version: options.version ?? DEFAULTS.version,
    feature: options.feature ?? { ...DEFAULTS.feature },
    target: options.target ?? { ...DEFAULTS.target },
    kind: 'polynomial',
    coefficients,
    training: {
      n,
      n_train: n - nTest,
      n_test: nTest,
      degree,
      robust,
      r2: 0,
      rmse: 0,
      mae: 0,
      x_min: 0,
      x_max: 0,
      trained_at: trainedAt.toISOString(),
      seed,
      holdout,
      source: options.source,
    },
  };
  const predicted = predictMany(artifactSoFar, parts.testX);
  const score = r2(parts.testY, predicted);
  if (Number.isNaN(score)) {
    throw new ModelError(
      ModelErrorCode.FIT_FAILED,
      `r2 is undefined: all ${nTest} test values of y are equal; use more data or a larger holdout`,
    );
  }
  const { min, max } = range(parts.trainX);
  const training: TrainingInfo = {
    ...artifactSoFar.training,
    r2: score,
    rmse: rootMeanSquaredError(parts.testY, predicted),
    mae: meanAbsoluteError(parts.testY, predicted),
    median_absolute_error: medianAbsoluteError(parts.testY, predicted),
    within_25_percent: shareWithin(parts.testY, predicted, 0.25),
    x_min: min,
    x_max: max,
    calibration: calibrationTable(parts.testX, parts.testY, predicted, CALIBRATION_BINS),
  };
  try {
    return validateModel({ ...artifactSoFar, training });
  } catch (err) {
    // The numbers are ours and valid; a failure here is a bad option such as
    // an empty name or a malformed source.sha256, so report it as input.
    if (!(err instanceof ModelError)) throw err;
    throw new ModelError(ModelErrorCode.INVALID_INPUT, `options produce an invalid artifact: ${err.message}`, {
      ...(err.field === undefined ? {} : { field: err.field }),
      cause: err,
    });
  }
}
