import { isLoaderError } from '../errors';
import { redactUrl } from '../db/database-url';

/**
 * 0 done; 1 the user's input (flags, file, header); 2 the database; 3 a bug;
 * 4 `analyze --exit-on-alert` found an alert day (question 5), answers written.
 */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_DATABASE = 2;
export const EXIT_INTERNAL = 3;
export const EXIT_ALERT = 4;

export function exitCodeFor(error: unknown): number {
  if (isLoaderError(error)) {
    switch (error.code) {
      case 'LOADER_BAD_DATABASE_URL':
      case 'LOADER_DATABASE_UNREACHABLE':
      case 'LOADER_WRITE_FAILED':
        return EXIT_DATABASE;
      default:
        return EXIT_USAGE;
    }
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(ANALYSIS|MODEL)_/.test(code)) return EXIT_USAGE;
  return EXIT_INTERNAL;
}

/**
 * One line for the user: the message of a known error, or a short note for
 * an unexpected one (its stack only with REALXDEAL_DEBUG=1). Never a password.
 */
export function describeError(error: unknown, env: NodeJS.ProcessEnv): string {
  const known = exitCodeFor(error) !== EXIT_INTERNAL;
  const message = error instanceof Error ? error.message : String(error);
  if (known) return `error: ${redactUrl(message.split('\n')[0])}`;
  const detail = env.REALXDEAL_DEBUG === '1' && error instanceof Error ? `\n${error.stack}` : '';
  return `internal error: ${redactUrl(message.split('\n')[0])}${detail ? redactUrl(detail) : ' (set REALXDEAL_DEBUG=1 for details)'}`;
}
