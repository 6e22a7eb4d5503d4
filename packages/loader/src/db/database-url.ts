import * as path from 'node:path';
import { LoaderError, LoaderErrorCode } from '../errors';

/** The embedded default, relative to the current working directory. */
export const DEFAULT_SQLITE_PATH = path.join('data', 'realxdeal.sqlite');

export type DatabaseTarget =
  | { dialect: 'sqlite'; filename: string; description: string }
  | {
      dialect: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
      description: string;
    };

/**
 * Parses `mysql://user:pass@host:port/db` or `sqlite:path`; no URL means the
 * embedded default. `description` is the URL with the password replaced, and
 * is the only form of the URL that may reach a log or an error message.
 */
export function parseDatabaseUrl(url: string | undefined | null): DatabaseTarget {
  const raw = (url ?? '').trim();
  if (raw === '') {
    const filename = path.resolve(DEFAULT_SQLITE_PATH);
    return { dialect: 'sqlite', filename, description: `sqlite:${DEFAULT_SQLITE_PATH}` };
  }
  if (raw.startsWith('sqlite:')) {
    let rest = raw.slice('sqlite:'.length);
    // Accept sqlite:///abs/path and sqlite://rel as well as sqlite:path.
    if (rest.startsWith('//')) rest = rest.slice(2);
    if (rest === '') {
      throw new LoaderError(LoaderErrorCode.BAD_DATABASE_URL, 'DATABASE_URL "sqlite:" names no file; use sqlite:path/to/file.sqlite');
    }
    return { dialect: 'sqlite', filename: path.resolve(rest), description: `sqlite:${rest}` };
  }
  if (raw.startsWith('mysql://') || raw.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new LoaderError(LoaderErrorCode.BAD_DATABASE_URL, `DATABASE_URL is not a valid URL: ${redactUrl(raw)}`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (parsed.hostname === '') {
      throw new LoaderError(LoaderErrorCode.BAD_DATABASE_URL, `DATABASE_URL names no host: ${redactUrl(raw)}`);
    }
    if (database === '' || database.includes('/')) {
      throw new LoaderError(
        LoaderErrorCode.BAD_DATABASE_URL,
        `DATABASE_URL must name one database, as mysql://user:pass@host:3306/dbname: ${redactUrl(raw)}`,
      );
    }
    const port = parsed.port === '' ? 3306 : Number(parsed.port);
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    const description = `mysql://${user === '' ? '' : `${user}${password === '' ? '' : ':***'}@`}${parsed.host}/${database}`;
    return { dialect: 'mysql', host: parsed.hostname, port, user: user === '' ? 'root' : user, password, database, description };
  }
  throw new LoaderError(LoaderErrorCode.BAD_DATABASE_URL, `DATABASE_URL must start with mysql:// or sqlite: (got ${redactUrl(raw)})`);
}

/** Replaces the password of any `scheme://user:password@` in a string. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}
