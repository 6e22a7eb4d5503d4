/**
 * The runtime packages work as packages, not only inside this repository:
 * `npm pack` builds each one (prepack), the tarballs install into an empty
 * project with `npm install <tarballs>` (third-party dependencies from the
 * registry or npm's cache), and there the model loads and the loader's and
 * the server's bins run. Slow (a real install), so it runs once per suite.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, repoPath } from './deploy-files';

const RUNTIME = ['model', 'analysis', 'loader', 'server'];

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string; mode: number }>;
}

/** The environment a user's shell would give: nothing from the npm running jest. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_cache') delete env[key];
  // INIT_CWD (set by the npm that started jest) is where the CLI resolves relative paths.
  delete env.INIT_CWD;
  delete env.DATABASE_URL;
  return env;
}

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 540_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
let app: string;
let packed: PackResult[];

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-pack-'));
  const pack = run('npm', ['pack', '--json', '--pack-destination', scratch, ...RUNTIME.flatMap((p) => ['-w', `packages/${p}`])], REPO_ROOT);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  packed = JSON.parse(pack.stdout) as PackResult[];

  app = path.join(scratch, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const tarballs = packed.map((p) => path.join(scratch, p.filename));
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], app);
  if (install.status !== 0) throw new Error(`npm install of the tarballs failed:\n${install.stderr}`);
}, 600_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack of the runtime packages', () => {
  it('packs each one with its build, and nothing of the tests, the sources or the tools', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@realxdeal/model', 'analysis', 'loader', 'server']);
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files).toContain('package.json');
      expect(files).toContain('dist/index.js');
      expect(files.filter((f) => /(^|\/)(test|src|tools)\/|\.tsbuildinfo$|\.test\.[jt]s$/.test(f))).toEqual([]);
    }
    const files = (name: string) => packed.find((p) => p.name === name)!.files.map((f) => f.path);
    expect(files('@realxdeal/model')).toEqual(expect.arrayContaining(['dist/node.js', 'models/default.json']));
    expect(files('loader')).toEqual(expect.arrayContaining(['dist/cli.js', 'README.md']));
    expect(files('server')).toEqual(expect.arrayContaining(['dist/server.js', 'views/layout.eta']));
  });

  it('builds the bins executable in the repository (npm run build) and in the tarballs', () => {
    for (const bin of ['packages/loader/dist/cli.js', 'packages/server/dist/server.js']) {
      expect(fs.readFileSync(repoPath(bin), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    }
    const build = run('npm', ['run', 'build'], REPO_ROOT);
    expect(build.status).toBe(0);
    for (const bin of ['packages/loader/dist/cli.js', 'packages/server/dist/server.js']) {
      expect({ bin, executable: (fs.statSync(repoPath(bin)).mode & 0o111) === 0o111 }).toEqual({ bin, executable: true });
    }
  });
});

describe('the tarballs installed into an empty project', () => {
  it('loads @realxdeal/model, and its /node entry reads the shipped model', () => {
    const script = [
      "const m = require('@realxdeal/model');",
      "const { loadModel, DEFAULT_MODEL_PATH } = require('@realxdeal/model/node');",
      'const model = loadModel(DEFAULT_MODEL_PATH);',
      'console.log(typeof m.predict, model.name, m.predict(model, 50).x);',
    ].join('\n');
    const result = run(process.execPath, ['-e', script], app);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: 'function apartment-rent-price 50\n',
      stderr: '',
    });
  });

  it('runs the loader bin: --version prints the package version', () => {
    const version = run(path.join(app, 'node_modules', '.bin', 'realxdeal-loader'), ['--version'], app);
    expect({ status: version.status, stdout: version.stdout }).toEqual({ status: 0, stdout: '0.1.0\n' });
  });

  it('runs the loader bin: start loads into the embedded SQLite beside the user', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'realxdeal-loader');
    const csv = path.join(app, 'two.csv');
    fs.writeFileSync(
      csv,
      [
        'uuid,category,zip_code,price,area,created_at,status',
        '00000000-0000-4000-8000-000000000001,APARTMENT_RENT,01067,850,60,2021-02-01 10:00:00,ONLINE',
        'not-a-uuid,APARTMENT_RENT,01067,850,60,2021-02-01 10:00:00,ONLINE',
        '',
      ].join('\n'),
    );
    const load = run(bin, ['start', csv, '--quiet', '--no-analysis'], app);
    expect(load.status).toBe(0);
    expect(fs.existsSync(path.join(app, 'data', 'realxdeal.sqlite'))).toBe(true);
    expect(fs.readFileSync(`${csv}.rejects.csv`, 'utf8')).toBe(
      'line,reason,raw\n3,bad_uuid,"not-a-uuid,APARTMENT_RENT,01067,850,60,2021-02-01 10:00:00,ONLINE"\n',
    );
  });

  it('installs the server bin next to it', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'realxdeal-server');
    expect(fs.realpathSync(bin)).toBe(path.join(app, 'node_modules', 'server', 'dist', 'server.js'));
    expect(fs.statSync(bin).mode & 0o111).toBe(0o111);
  });
});
