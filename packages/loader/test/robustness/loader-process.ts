import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const LOADER_CLI = path.join(REPO_ROOT, 'packages', 'loader', 'dist', 'cli.js');

/** Test files in other jest workers may build at the same moment; tsc -b must not run twice at once. */
const BUILD_LOCK = path.join(os.tmpdir(), 'rxd-robustness-loader-build.lock');

/**
 * Brings packages/loader/dist up to date with `tsc -b` (incremental: about
 * a second when nothing changed), so the process under test is today's code.
 */
export async function buildLoader(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock left by a killed run is stale after a few minutes.
      const age = Date.now() - (fs.statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 3 minutes for ${BUILD_LOCK}`);
      await sleep(200);
    }
  }
  try {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
    const result = spawnSync(process.execPath, [tsc, '-b', path.join('packages', 'loader')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (result.status !== 0 || !fs.existsSync(LOADER_CLI)) {
      throw new Error(`npx tsc -b packages/loader failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    }
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface LoaderProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is complete. */
  done: Promise<Finished>;
}

/** `node packages/loader/dist/cli.js ARGS`, output collected; never inherits DATABASE_URL. */
export function startLoader(args: string[], cwd = REPO_ROOT): LoaderProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  delete env.INIT_CWD;
  const child = spawn(process.execPath, [LOADER_CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
