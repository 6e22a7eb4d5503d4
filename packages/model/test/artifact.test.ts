import * as path from 'node:path';
import { type ModelArtifact, ModelError, predict, validateModel } from '@realxdeal/model';
import { DEFAULT_MODEL_PATH, loadModel } from '@realxdeal/model/node';
import { validArtifact } from './__fixtures__/valid-artifact';

const FIXTURES = path.join(__dirname, '__fixtures__');

function rejection(value: unknown): ModelError {
  try {
    validateModel(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error('expected validateModel to throw');
}

describe('validateModel', () => {
  it('accepts a complete artifact and returns a detached copy', () => {
    const input = validArtifact();
    const model = validateModel(input);
    expect(model).toEqual(input);
    (input.coefficients as number[])[0] = 999;
    expect(model.coefficients[0]).toBe(100);
  });

  it.each<[string, (a: ReturnType<typeof validArtifact>) => void, string]>([
    ['missing coefficients', (a) => delete a.coefficients, 'coefficients'],
    ['empty coefficients', (a) => (a.coefficients = []), 'coefficients'],
    ['a NaN coefficient', (a) => (a.coefficients = [1, Number.NaN]), 'coefficients[1]'],
    ['an infinite coefficient', (a) => (a.coefficients = [Infinity, 2]), 'coefficients[0]'],
    ['a string coefficient', (a) => (a.coefficients = [1, '2']), 'coefficients[1]'],
    ['a wrong kind', (a) => (a.kind = 'linear'), 'kind'],
    ['missing training', (a) => Reflect.deleteProperty(a, 'training'), 'training'],
    ['x_min greater than x_max', (a) => (a.training.x_min = 300), 'training.x_min'],
    ['a non-finite x_max', (a) => (a.training.x_max = -Infinity), 'training.x_max'],
    ['a NaN r2', (a) => (a.training.r2 = Number.NaN), 'training.r2'],
    ['a negative rmse', (a) => (a.training.rmse = -1), 'training.rmse'],
    ['a degree that disagrees with the coefficients', (a) => (a.training.degree = 2), 'training.degree'],
    ['a fractional n_train', (a) => (a.training.n_train = 7.5), 'training.n_train'],
    ['a holdout of 1', (a) => (a.training.holdout = 1), 'training.holdout'],
    ['a trained_at that is not a date', (a) => (a.training.trained_at = 'yesterday'), 'training.trained_at'],
    ['a malformed sha256', (a) => (a.training.source = { description: 'x', sha256: 'abc' }), 'training.source.sha256'],
    [
      'an object in source.filter',
      (a) => (a.training.source = { description: 'x', sha256: null, filter: { city: {} } }),
      'training.source.filter.city',
    ],
    ['a missing feature unit', (a) => (a.feature = { name: 'area' }), 'feature.unit'],
    ['an empty name', (a) => (a.name = ''), 'name'],
  ])('refuses %s, naming the field', (_label, mutate, field) => {
    const artifact = validArtifact();
    mutate(artifact);
    const err = rejection(artifact);
    expect(err.code).toBe('MODEL_INVALID_ARTIFACT');
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it.each([null, [], 'model', 42])('refuses a non-object artifact (%p)', (value) => {
    expect(rejection(value).code).toBe('MODEL_INVALID_ARTIFACT');
  });
});

describe('loadModel', () => {
  it('loads a valid file', () => {
    const model: ModelArtifact = loadModel(path.join(FIXTURES, 'valid-model.json'));
    expect(model.name).toBe('fixture-apartment-price');
    expect(model.training.source.filter).toEqual({ kind: 'apartment', listing: 'rent' });
    // 30000 + 2500 · 100, by hand
    expect(predict(model, 100).prediction).toBe(280000);
  });

  it('validates an object passed instead of a path', () => {
    expect(loadModel(validArtifact()).coefficients).toEqual([100, 12]);
    expect(() => loadModel({ kind: 'polynomial' })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_ARTIFACT' }));
  });

  it('reports a missing file as MODEL_NOT_FOUND', () => {
    const missing = path.join(FIXTURES, 'no-such-model.json');
    expect(() => loadModel(missing)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    expect(() => loadModel(missing)).toThrow(missing);
  });

  it('reports invalid JSON as MODEL_INVALID_ARTIFACT naming the file', () => {
    const file = path.join(FIXTURES, 'broken-json.json');
    expect(() => loadModel(file)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_ARTIFACT' }));
    expect(() => loadModel(file)).toThrow(file);
  });

  it('reports an invalid artifact file naming both the file and the field', () => {
    const file = path.join(FIXTURES, 'wrong-kind.json');
    expect(() => loadModel(file)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID_ARTIFACT', field: 'kind' }));
    expect(() => loadModel(file)).toThrow(file);
  });
});

describe('DEFAULT_MODEL_PATH', () => {
  it('is the absolute path of models/default.json in this package', () => {
    expect(path.isAbsolute(DEFAULT_MODEL_PATH)).toBe(true);
    expect(DEFAULT_MODEL_PATH).toBe(path.resolve(__dirname, '..', 'models', 'default.json'));
  });
});
