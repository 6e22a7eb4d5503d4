import * as path from 'node:path';

/**
 * `npm -w loader start -- file.csv` runs with the package folder
 * as its working directory; npm keeps the user's folder in INIT_CWD, and
 * relative paths given on the command line mean that folder.
 */
export function userDirectory(env: NodeJS.ProcessEnv): string {
  return env.INIT_CWD && path.isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

export function resolveUserPath(p: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(userDirectory(env), p);
}

/** A sqlite: URL's relative path means the user's folder too. */
export function resolveDatabaseUrl(url: string | undefined, env: NodeJS.ProcessEnv): string {
  const base = userDirectory(env);
  if (!url || url.trim() === '') return `sqlite:${path.join(base, 'data', 'realxdeal.sqlite')}`;
  const trimmed = url.trim();
  if (trimmed.startsWith('sqlite:') && !trimmed.startsWith('sqlite://')) {
    const rest = trimmed.slice('sqlite:'.length);
    return rest === '' ? trimmed : `sqlite:${path.resolve(base, rest)}`;
  }
  return trimmed;
}
