/**
 * One error convention: every package's codes are string enums, and the
 * server's error handler is the one place a code becomes an HTTP status and
 * a body. Expected statuses and codes are the API's documented ones.
 */
import { ModelError, ModelErrorCode } from '@realxdeal/model';
import { AnalysisError, AnalysisErrorCode } from 'analysis';
import { LoaderErrorCode } from 'loader';
import { ServerError, ServerErrorCode } from 'server';
import { HTTP_STATUS, errorBody, toHttpError } from '../src/plugins/app/error-handler';
import { buildTestApp } from './helpers';

describe('error codes', () => {
  it('keep their published strings', () => {
    expect(Object.values(LoaderErrorCode)).toEqual([
      'LOADER_BAD_DATABASE_URL',
      'LOADER_DATABASE_UNREACHABLE',
      'LOADER_FILE_NOT_FOUND',
      'LOADER_BAD_HEADER',
      'LOADER_BAD_OPTION',
      'LOADER_WRITE_FAILED',
    ]);
    expect(Object.values(AnalysisErrorCode)).toEqual([
      'ANALYSIS_BAD_MONTH',
      'ANALYSIS_BAD_THRESHOLD',
      'ANALYSIS_UNSUPPORTED_DATABASE',
      'ANALYSIS_WRITE_FAILED',
    ]);
    expect(Object.values(ModelErrorCode)).toEqual(['MODEL_INVALID_ARTIFACT', 'MODEL_INVALID_INPUT', 'MODEL_FIT_FAILED', 'MODEL_NOT_FOUND']);
    for (const code of Object.values(ServerErrorCode)) expect(code).toMatch(/^SERVER_[A-Z_]+$/);
  });

  it('each server code has one status, a client (4xx) or server (5xx) error', () => {
    for (const code of Object.values(ServerErrorCode)) expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS[ServerErrorCode.VALIDATION]).toBe(400);
    expect(HTTP_STATUS[ServerErrorCode.UPLOAD_TOO_LARGE]).toBe(413);
    expect(HTTP_STATUS[ServerErrorCode.DATABASE_UNAVAILABLE]).toBe(503);
  });
});

describe('toHttpError', () => {
  it('maps a ServerError by its code', () => {
    expect(toHttpError(new ServerError(ServerErrorCode.RATE_LIMITED, 'slow down'))).toEqual({
      statusCode: 429,
      code: 'SERVER_RATE_LIMITED',
      message: 'slow down',
    });
  });

  it("maps the model's invalid input to 400 SERVER_INVALID_X", () => {
    expect(toHttpError(new ModelError(ModelErrorCode.INVALID_INPUT, 'x must be finite'))).toEqual({
      statusCode: 400,
      code: 'SERVER_INVALID_X',
      message: 'x must be finite',
    });
  });

  it('maps an analysis option error to 400, naming the query parameter', () => {
    const error = new AnalysisError(AnalysisErrorCode.BAD_THRESHOLD, 'dropThreshold must be a finite number', {
      field: 'dropThreshold',
      reason: 'must be a finite number',
    });
    expect(toHttpError(error)).toEqual({
      statusCode: 400,
      code: 'SERVER_VALIDATION',
      message: 'drop must be a finite number',
    });
  });

  it('treats any other library error as a bug: 500, message hidden', () => {
    for (const error of [
      new AnalysisError(AnalysisErrorCode.UNSUPPORTED_DATABASE, 'postgres is not supported'),
      new ModelError(ModelErrorCode.INVALID_ARTIFACT, 'coefficients[0] is not a number'),
    ]) {
      expect(toHttpError(error)).toEqual({
        statusCode: 500,
        code: 'SERVER_INTERNAL',
        message: 'internal server error; the details are in the server log',
      });
    }
  });

  it('builds the one JSON body from the mapped error', () => {
    expect(errorBody(toHttpError(new ServerError(ServerErrorCode.NO_FILE, 'no file')))).toEqual({
      error: 'SERVER_NO_FILE',
      message: 'no file',
    });
  });
});

describe('every route answers errors through the handler', () => {
  it.each([
    ['GET', '/predict', 400, 'SERVER_MISSING_X'],
    ['GET', '/predict?x=abc', 400, 'SERVER_INVALID_X'],
    ['GET', '/loads.json?limit=0', 400, 'SERVER_VALIDATION'],
    ['GET', '/analysis/q1.csv?drop=abc', 400, 'SERVER_VALIDATION'],
    ['GET', '/nowhere', 404, 'SERVER_NOT_FOUND'],
  ] as const)('%s %s answers %i with {error: %s, message}', async (method, url, status, code) => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ method, url });
      expect({ status: res.statusCode, keys: Object.keys(res.json()), error: res.json().error }).toEqual({
        status,
        keys: ['error', 'message'],
        error: code,
      });
    } finally {
      await app.close();
    }
  });
});
