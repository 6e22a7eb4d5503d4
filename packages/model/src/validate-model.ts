import type { CalibrationBin, ModelArtifact, TrainingInfo } from './artifact';
import { ModelError, describeValue, ModelErrorCode } from './errors';

type JsonObject = Record<string, unknown>;
type FilterValue = string | number | boolean | null;

const SHA256_HEX = /^[0-9a-f]{64}$/;

function invalid(field: string | undefined, message: string): ModelError {
  return new ModelError(
    ModelErrorCode.INVALID_ARTIFACT,
    field === undefined ? message : `${field}: ${message}`,
    field === undefined ? {} : { field },
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw invalid(field, `must be an object, got ${describeValue(value)}`);
  return value;
}

function stringAt(value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw invalid(field, `must be a string, got ${describeValue(value)}`);
  if (!allowEmpty && value.trim() === '') throw invalid(field, 'must not be empty');
  return value;
}

function finiteAt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(field, `must be a finite number, got ${describeValue(value)}`);
  }
  return value;
}

function countAt(value: unknown, field: string, min: number): number {
  const n = finiteAt(value, field);
  if (!Number.isInteger(n) || n < min) throw invalid(field, `must be an integer >= ${min}, got ${n}`);
  return n;
}

function booleanAt(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, `must be a boolean, got ${describeValue(value)}`);
  return value;
}

function unitPair(value: unknown, field: string): { name: string; unit: string } {
  const o = objectAt(value, field);
  return { name: stringAt(o.name, `${field}.name`), unit: stringAt(o.unit, `${field}.unit`) };
}

function coefficientsAt(value: unknown): number[] {
  if (!Array.isArray(value)) {
    throw invalid('coefficients', `must be an array of numbers, got ${describeValue(value)}`);
  }
  if (value.length === 0) throw invalid('coefficients', 'must hold at least one coefficient');
  return value.map((c: unknown, i) => finiteAt(c, `coefficients[${i}]`));
}

function sourceAt(value: unknown, field: string): TrainingInfo['source'] {
  const o = objectAt(value, field);
  const description = stringAt(o.description, `${field}.description`, true);
  let sha256: string | null = null;
  if (o.sha256 !== null) {
    sha256 = stringAt(o.sha256, `${field}.sha256`);
    if (!SHA256_HEX.test(sha256)) throw invalid(`${field}.sha256`, 'must be 64 lowercase hex digits or null');
  }
  const source: TrainingInfo['source'] = { description, sha256 };
  if (o.filter !== undefined) {
    const filter = objectAt(o.filter, `${field}.filter`);
    const copy: Record<string, FilterValue> = {};
    for (const [key, v] of Object.entries(filter)) {
      const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!ok) throw invalid(`${field}.filter.${key}`, `must be a string, finite number, boolean or null, got ${describeValue(v)}`);
      copy[key] = v;
    }
    source.filter = copy;
  }
  return source;
}

function calibrationAt(value: unknown, field: string): CalibrationBin[] {
  if (!Array.isArray(value)) throw invalid(field, `must be an array of bins, got ${describeValue(value)}`);
  return value.map((v: unknown, i) => {
    const at = `${field}[${i}]`;
    const bin = objectAt(v, at);
    const xFrom = finiteAt(bin.x_from, `${at}.x_from`);
    const xTo = finiteAt(bin.x_to, `${at}.x_to`);
    if (xFrom > xTo) throw invalid(`${at}.x_from`, `(${xFrom}) is greater than x_to (${xTo})`);
    return {
      x_from: xFrom,
      x_to: xTo,
      n: countAt(bin.n, `${at}.n`, 1),
      median_actual: finiteAt(bin.median_actual, `${at}.median_actual`),
      median_predicted: finiteAt(bin.median_predicted, `${at}.median_predicted`),
    };
  });
}

/** The robust metrics came later: an artifact without them is valid, one with a bad value is not. */
function robustMetricsAt(t: JsonObject): Pick<TrainingInfo, 'median_absolute_error' | 'within_25_percent'> {
  const out: Pick<TrainingInfo, 'median_absolute_error' | 'within_25_percent'> = {};
  if (t.median_absolute_error !== undefined) {
    const v = finiteAt(t.median_absolute_error, 'training.median_absolute_error');
    if (v < 0) throw invalid('training.median_absolute_error', `must be >= 0, got ${v}`);
    out.median_absolute_error = v;
  }
  if (t.within_25_percent !== undefined) {
    const v = finiteAt(t.within_25_percent, 'training.within_25_percent');
    if (v < 0 || v > 1) throw invalid('training.within_25_percent', `must be a share in [0, 1], got ${v}`);
    out.within_25_percent = v;
  }
  return out;
}

function trainingAt(value: unknown, coefficientCount: number): TrainingInfo {
  const t = objectAt(value, 'training');
  const n = countAt(t.n, 'training.n', 1);
  const nTrain = countAt(t.n_train, 'training.n_train', 1);
  const nTest = countAt(t.n_test, 'training.n_test', 0);
  const degree = countAt(t.degree, 'training.degree', 0);
  // The coefficients are what predictions use; a disagreeing degree means the
  // file was edited by hand and nobody can tell which of the two is right.
  if (degree !== coefficientCount - 1) {
    throw invalid('training.degree', `is ${degree} but coefficients hold a degree-${coefficientCount - 1} polynomial`);
  }
  const robust = booleanAt(t.robust, 'training.robust');
  const r2 = finiteAt(t.r2, 'training.r2');
  const rmse = finiteAt(t.rmse, 'training.rmse');
  if (rmse < 0) throw invalid('training.rmse', `must be >= 0, got ${rmse}`);
  const mae = finiteAt(t.mae, 'training.mae');
  if (mae < 0) throw invalid('training.mae', `must be >= 0, got ${mae}`);
  const xMin = finiteAt(t.x_min, 'training.x_min');
  const xMax = finiteAt(t.x_max, 'training.x_max');
  if (xMin > xMax) throw invalid('training.x_min', `(${xMin}) is greater than training.x_max (${xMax})`);
  const trainedAt = stringAt(t.trained_at, 'training.trained_at');
  if (Number.isNaN(Date.parse(trainedAt))) throw invalid('training.trained_at', `is not an ISO-8601 date: ${trainedAt}`);
  const seed = countAt(t.seed, 'training.seed', 0);
  const holdout = finiteAt(t.holdout, 'training.holdout');
  if (!(holdout > 0 && holdout < 1)) throw invalid('training.holdout', `must be in (0, 1), got ${holdout}`);
  return {
    n,
    n_train: nTrain,
    n_test: nTest,
    degree,
    robust,
    r2,
    rmse,
    mae,
    ...robustMetricsAt(t),
    x_min: xMin,
    x_max: xMax,
    trained_at: trainedAt,
    seed,
    holdout,
    source: sourceAt(t.source, 'training.source'),
    ...(t.calibration === undefined ? {} : { calibration: calibrationAt(t.calibration, 'training.calibration') }),
  };
}

/**
 * Checks an untrusted value (parsed JSON, a request body) and returns a fresh
 * artifact holding only the known fields, so later mutation of the input
 * cannot change a model in use. Unknown fields are ignored.
 */
export function validateModel(value: unknown): ModelArtifact {
  if (!isObject(value)) {
    throw invalid(undefined, `model artifact must be a JSON object, got ${describeValue(value)}`);
  }
  const name = stringAt(value.name, 'name');
  const version = stringAt(value.version, 'version');
  const feature = unitPair(value.feature, 'feature');
  const target = unitPair(value.target, 'target');
  if (value.kind !== 'polynomial') {
    throw invalid('kind', `must be "polynomial", got ${JSON.stringify(value.kind) ?? 'undefined'}`);
  }
  const coefficients = coefficientsAt(value.coefficients);
  const training = trainingAt(value.training, coefficients.length);
  return { name, version, feature, target, kind: 'polynomial', coefficients, training };
}
