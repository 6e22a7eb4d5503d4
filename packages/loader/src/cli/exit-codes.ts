import { isAnalysisError } from 'analysis';
import { isLoaderError, LoaderErrorCode } from '../errors';
import { redactUrl } from '../db/database-url';
import type { CliIo } from './cli-io';
import { FLAG_FOR_FIELD } from './answers-step';

/**
 * The one exit-code table of every command (the loader's and the
 * generator's): 0 done; 1 the user's input (flags, file, header); 2 the
 * database; 3 a bug; 4 `analyze --exit-on-alert` found an alert day
 * (question 5), answers written.
 */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_DATABASE = 2;
export const EXIT_INTERNAL = 3;
export const EXIT_ALERT = 4;

/** Driver and engine failures (refused, timed out, SQL errors), as opposed to bugs. */
function isDatabaseFailure(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (name === 'KnexTimeoutError') return true;
  return typeof code === 'string' && /^(ER_|SQLITE_|PROTOCOL_|ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)/.test(code);
}

export function exitCodeFor(error: unknown): number {
  if (isLoaderError(error)) {
    switch (error.code) {
      case LoaderErrorCode.BAD_DATABASE_URL:
      case LoaderErrorCode.DATABASE_UNREACHABLE:
      case LoaderErrorCode.WRITE_FAILED:
        return EXIT_DATABASE;
      default:
        return EXIT_USAGE;
    }
  }
  if (isDatabaseFailure(error)) return EXIT_DATABASE;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(ANALYSIS|MODEL)_/.test(code)) return EXIT_USAGE;
  return EXIT_INTERNAL;
}

/**
 * One line for the user: the message of a known error (an analysis option
 * named by its flag), or a short note for an unexpected one (its stack only
 * with REALXDEAL_DEBUG=1). Never a password.
 */
export function describeError(error: unknown, env: NodeJS.ProcessEnv): string {
  if (isAnalysisError(error) && error.field !== undefined && error.reason !== undefined) {
    return `error: ${FLAG_FOR_FIELD[error.field]} ${error.reason}`;
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (!isLoaderError(error) && isDatabaseFailure(error)) return `error: the database failed: ${redactUrl(message)}`;
  if (exitCodeFor(error) !== EXIT_INTERNAL) return `error: ${redactUrl(message)}`;
  const detail = env.REALXDEAL_DEBUG === '1' && error instanceof Error ? `\n${error.stack}` : '';
  return `internal error: ${redactUrl(message)}${detail ? redactUrl(detail) : ' (set REALXDEAL_DEBUG=1 for details)'}`;
}

/** Writes describeError's line and returns the error's exit code. */
export function reportError(error: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  io.stderr.write(`${describeError(error, io.env)}\n`);
  return exitCodeFor(error);
}
