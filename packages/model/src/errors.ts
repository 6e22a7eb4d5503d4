/**
 * Stable codes: callers (the server) map them to HTTP statuses, so they are
 * part of the public contract and must never be renamed.
 */
export type ModelErrorCode =
  | 'MODEL_INVALID_ARTIFACT'
  | 'MODEL_INVALID_INPUT'
  | 'MODEL_FIT_FAILED'
  | 'MODEL_NOT_FOUND';

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

  constructor(code: ModelErrorCode, message: string, options: ModelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
  }
}

/** Human-readable kind of a rejected value, for messages like "got string". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
