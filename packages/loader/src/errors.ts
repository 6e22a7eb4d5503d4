/**
 * Every failure the loader reports to a user carries a stable code (one
 * string enum per package, apollo-server's style), so the CLI, the server
 * and tests can tell them apart without parsing messages. Never renamed.
 */
export enum LoaderErrorCode {
  BAD_DATABASE_URL = 'LOADER_BAD_DATABASE_URL',
  DATABASE_UNREACHABLE = 'LOADER_DATABASE_UNREACHABLE',
  FILE_NOT_FOUND = 'LOADER_FILE_NOT_FOUND',
  BAD_HEADER = 'LOADER_BAD_HEADER',
  BAD_OPTION = 'LOADER_BAD_OPTION',
  WRITE_FAILED = 'LOADER_WRITE_FAILED',
}

export class LoaderError extends Error {
  readonly code: LoaderErrorCode;

  /** `code` may also be the code's string, as JavaScript callers write it. */
  constructor(code: LoaderErrorCode | `${LoaderErrorCode}`, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoaderError';
    this.code = code as LoaderErrorCode;
  }
}

export function isLoaderError(error: unknown): error is LoaderError {
  return error instanceof LoaderError;
}
