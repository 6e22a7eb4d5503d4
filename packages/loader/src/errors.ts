/**
 * Every failure the loader reports to a user carries a stable code, so the
 * CLI, the server and tests can tell them apart without parsing messages.
 */
export type LoaderErrorCode =
  | 'LOADER_BAD_DATABASE_URL'
  | 'LOADER_DATABASE_UNREACHABLE'
  | 'LOADER_FILE_NOT_FOUND'
  | 'LOADER_BAD_HEADER'
  | 'LOADER_BAD_OPTION'
  | 'LOADER_WRITE_FAILED';

export class LoaderError extends Error {
  readonly code: LoaderErrorCode;

  constructor(code: LoaderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoaderError';
    this.code = code;
  }
}

export function isLoaderError(error: unknown): error is LoaderError {
  return error instanceof LoaderError;
}
