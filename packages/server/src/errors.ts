/**
 * Every error the server reports carries a stable code (a string enum, as in
 * apollo-server); clients may switch on it, so a code is never renamed. Each
 * maps to one HTTP status, in one table: HTTP_STATUS in
 * plugins/app/error-handler.ts, which answers every error of every route.
 */
export enum ServerErrorCode {
  CONFIG_INVALID = 'SERVER_CONFIG_INVALID',
  MISSING_X = 'SERVER_MISSING_X',
  INVALID_X = 'SERVER_INVALID_X',
  REPEATED_PARAMETER = 'SERVER_REPEATED_PARAMETER',
  VALIDATION = 'SERVER_VALIDATION',
  NOT_MULTIPART = 'SERVER_NOT_MULTIPART',
  NO_FILE = 'SERVER_NO_FILE',
  EMPTY_FILE = 'SERVER_EMPTY_FILE',
  NO_USABLE_COLUMN = 'SERVER_NO_USABLE_COLUMN',
  UPLOAD_TOO_LARGE = 'SERVER_UPLOAD_TOO_LARGE',
  TOO_MANY_COLUMNS = 'SERVER_TOO_MANY_COLUMNS',
  RECORD_TOO_LONG = 'SERVER_RECORD_TOO_LONG',
  PAYLOAD_TOO_LARGE = 'SERVER_PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'SERVER_UNSUPPORTED_MEDIA_TYPE',
  MODEL_NOT_FOUND = 'SERVER_MODEL_NOT_FOUND',
  BAD_INFER_REQUEST = 'SERVER_BAD_INFER_REQUEST',
  NOT_FOUND = 'SERVER_NOT_FOUND',
  RATE_LIMITED = 'SERVER_RATE_LIMITED',
  DATABASE_UNAVAILABLE = 'SERVER_DATABASE_UNAVAILABLE',
  ANSWERS_NOT_COMPUTED = 'SERVER_ANSWERS_NOT_COMPUTED',
  INTERNAL = 'SERVER_INTERNAL',
}

export class ServerError extends Error {
  readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerError';
    this.code = code;
  }
}

export function isServerError(error: unknown): error is ServerError {
  return error instanceof ServerError;
}

/** The JSON error body of every non-v2 route (built by errorBody in plugins/app/error-handler.ts). */
export interface ErrorBody {
  error: string;
  message: string;
}
