/**
 * Stable codes, one string enum per package (apollo-server's style): callers
 * (the server) map them to HTTP statuses, so they are part of the public
 * contract and must never be renamed.
 */
export enum ModelErrorCode {
  INVALID_ARTIFACT = 'MODEL_INVALID_ARTIFACT',
  INVALID_INPUT = 'MODEL_INVALID_INPUT',
  FIT_FAILED = 'MODEL_FIT_FAILED',
  NOT_FOUND = 'MODEL_NOT_FOUND',
}

export interface ModelErrorOptions {
  /**
   * JSON path of the offending value: `coefficients[1]`, `training.x_min`
   * for artifacts; `x`, `x[3]`, `degree` for inputs.
   */
  field?: string;
  cause?: unknown;
}

export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly field?: string;

  /** `code` may also be the code's string, as JavaScript callers write it. */
  constructor(code: ModelErrorCode | `${ModelErrorCode}`, message: string, options: ModelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.code = code as ModelErrorCode;
    if (options.field !== undefined) this.field = options.field;
  }
}

export function isModelError(error: unknown): error is ModelError {
  return error instanceof ModelError;
}

/** Human-readable kind of a rejected value, for messages like "got string". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
