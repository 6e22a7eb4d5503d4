/**
 * Stable codes, one string enum per package (apollo-server's style): the
 * loader CLI and the server tell failures apart by code (bad input → exit 1 /
 * HTTP 400), so they are part of the public contract and must never be
 * renamed.
 */
export enum AnalysisErrorCode {
  BAD_MONTH = 'ANALYSIS_BAD_MONTH',
  BAD_THRESHOLD = 'ANALYSIS_BAD_THRESHOLD',
  UNSUPPORTED_DATABASE = 'ANALYSIS_UNSUPPORTED_DATABASE',
  WRITE_FAILED = 'ANALYSIS_WRITE_FAILED',
}

/** The option an input error is about, as named in `AnalysisOptions`. */
export type AnalysisErrorField = 'month' | 'dropThreshold' | 'spikeThreshold';

export interface AnalysisErrorOptions {
  field?: AnalysisErrorField;
  /**
   * The message without the field name ("must be YYYY-MM…, got 2021-13"), so
   * a caller can restate it in its own vocabulary (`--month must be…`).
   */
  reason?: string;
  cause?: unknown;
}

export class AnalysisError extends Error {
  readonly code: AnalysisErrorCode;
  readonly field?: AnalysisErrorField;
  readonly reason?: string;

  /** `code` may also be the code's string, as JavaScript callers write it. */
  constructor(code: AnalysisErrorCode | `${AnalysisErrorCode}`, message: string, options: AnalysisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AnalysisError';
    this.code = code as AnalysisErrorCode;
    if (options.field !== undefined) this.field = options.field;
    if (options.reason !== undefined) this.reason = options.reason;
  }
}

export function isAnalysisError(error: unknown): error is AnalysisError {
  return error instanceof AnalysisError;
}

/** An input error whose message is `<field> <reason>`. */
export function badOption(code: AnalysisErrorCode, field: AnalysisErrorField, reason: string): AnalysisError {
  return new AnalysisError(code, `${field} ${reason}`, { field, reason });
}
