/**
 * The design card's usage lines, run exactly as a user types them from the
 * repository root: `npm -w loader start`, `npm -w loader run analyze`,
 * `npm -w server start`. npm picks a workspace by package name or path, so
 * these only work while the private workspaces are named after their folders.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, ensureBuilt } from './deploy-files';

/** npm from the PATH, with nothing inherited that would pick another workspace or database. */
function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  delete env.DATABASE_URL;
  return env;
}

function npm(args: string[]) {
  const result = spawnSync('npm', args, { cwd: REPO_ROOT, env: npmEnv(), encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

beforeAll(() => {
  ensureBuilt('loader', 'cli.js');
  ensureBuilt('server', 'server.js');
}, 300_000);

describe('the design card, as written', () => {
  it('`npm -w loader start -- --help` prints the load command usage', () => {
    const run = npm(['-w', 'loader', 'start', '--', '--help']);
    expect(run.output).not.toMatch(/No workspaces found/);
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/usage: realxdeal-loader start <file\.csv[|>]/);
  });

  it('`npm -w loader run analyze -- --help` prints the analyze usage', () => {
    const run = npm(['-w', 'loader', 'run', 'analyze', '--', '--help']);
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/usage: realxdeal-loader analyze/);
  });

  it('`npm -w loader run train -- --help` prints the train usage', () => {
    const run = npm(['-w', 'loader', 'run', 'train', '--', '--help']);
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/usage: realxdeal-loader train/);
  });

  it('`npm -w server start` serves /healthz', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-card-'));
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const child = spawn('npm', ['-w', 'server', 'start'], {
      cwd: REPO_ROOT,
      env: npmEnv({ PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(scratch, 'db.sqlite')}` }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline && child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect({ status, output: status === 200 ? '' : output }).toEqual({ status: 200, output: '' });
    } finally {
      // npm runs the server as a child: signal the whole process group.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => child.once('close', r));
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 90_000);
});
