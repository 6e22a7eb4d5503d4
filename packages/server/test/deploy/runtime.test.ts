/**
 * The deployment's commands, run for real against the built dist: the
 * compose loader job (its /data mount mapped to a temp folder, DATABASE_URL
 * to a temp SQLite file), the Procfile's release and web commands with the
 * image's HEALTHCHECK, and the volume-alert CronJob's analyze command.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trainModel } from '@realxdeal/model';
import {
  REPO_ROOT,
  commandArgs,
  dockerStages,
  ensureBuilt,
  execForm,
  interpolateDeep,
  parseDockerfile,
  parseEnvFile,
  readRepoFile,
  readYaml,
  repoPath,
  volumeMount,
  type ComposeFile,
} from './deploy-files';

/** The contract's answer files and the columns each starts with. */
const ANSWER_FILES: Record<string, string> = {
  'q1_avg_price_per_m2.csv': 'category,postings,avg_price_per_m2,median_price_per_m2',
  'q2_online_per_category.csv': 'category,online_postings',
  'q3_first_last_day.csv': 'day,postings',
  'q4_daily_change.csv': 'day,postings,previous_day_postings,change_pct',
  'q5_alerts.csv': 'day,postings,previous_day_postings,change_pct,kind',
  'weekday_pattern.csv': 'weekday,days,mean_postings',
};

const exampleEnv = parseEnvFile(readRepoFile('docker', '.env.example'));
const compose = interpolateDeep(readYaml('docker', 'compose.yaml') as ComposeFile, exampleEnv);
const procfile = Object.fromEntries(
  readRepoFile('Procfile')
    .split(/\r?\n/)
    .filter((l) => l.includes(':'))
    .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
);
const healthcheck = (() => {
  const stages = dockerStages(parseDockerfile(readRepoFile('docker', 'Dockerfile')));
  const args = stages[stages.length - 1].instructions.filter((i) => i.keyword === 'HEALTHCHECK').pop()!.args;
  return execForm(args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
})();

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-deploy-run-'));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The process environment of a container: nothing from npm or the outer DATABASE_URL. */
function containerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TZ', 'TMPDIR', 'SYSTEMROOT']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** `node args…` as the image would run it, with this test's Node. */
function runNode(command: string[], env: Record<string, string>): SpawnSyncReturns<string> {
  const [node, ...args] = command;
  if (node !== 'node') throw new Error(`expected a node command, got ${command.join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env: containerEnv(env), encoding: 'utf8', timeout: 180_000 });
  if (result.error) throw result.error;
  return result;
}

const described = (r: SpawnSyncReturns<string>) => {
  const stale = /Cannot find module|MODULE_NOT_FOUND/.test(r.stderr) ? '\n(packages/*/dist looks stale: run npm run build)' : '';
  return { status: r.status, output: `${r.stdout}\n${r.stderr}${stale}` };
};
const dataRows = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '');

/** Runs the compose loader job once (memoised): its data folder and database. */
let loaded: { dataDir: string; databaseUrl: string; result: SpawnSyncReturns<string> } | null = null;
function runLoaderJobOnce(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  ensureBuilt('loader', 'cli.js');
  const loader = compose.services.loader;
  const [mount] = (loader.volumes ?? []).map(volumeMount);
  const dataDir = path.join(scratch, 'data');
  fs.mkdirSync(dataDir);
  fs.copyFileSync(repoPath('data', exampleEnv.POSTINGS_FILE), path.join(dataDir, exampleEnv.POSTINGS_FILE));
  // The container's /data is the temp folder; everything else runs as written.
  const command = commandArgs(loader.command).map((arg) =>
    arg === mount.target || arg.startsWith(`${mount.target}/`) ? dataDir + arg.slice(mount.target.length) : arg,
  );
  const databaseUrl = `sqlite:${path.join(scratch, 'compose-job.sqlite')}`;
  loaded = { dataDir, databaseUrl, result: runNode(command, { DATABASE_URL: databaseUrl }) };
  return loaded;
}

describe('the compose loader job, run with /data mapped to a temp folder', () => {
  it('loads the sample and writes the six answer files into that folder', () => {
    const { dataDir, result } = runLoaderJobOnce();
    expect(described(result)).toEqual({ status: 0, output: expect.stringMatching(/Loaded postings_february\.csv/) });
    for (const [file, columns] of Object.entries(ANSWER_FILES)) {
      const full = path.join(dataDir, file);
      expect({ file, exists: fs.existsSync(full) }).toEqual({ file, exists: true });
      expect({ file, header: fs.readFileSync(full, 'utf8').split(/\r?\n/)[0].startsWith(columns) }).toEqual({ file, header: true });
    }
    expect(dataRows(path.join(dataDir, 'q3_first_last_day.csv'))).toHaveLength(2);
    expect(dataRows(path.join(dataDir, 'weekday_pattern.csv'))).toHaveLength(7);
    // The sample carries every dirty case, so there are rejects, kept beside the input.
    expect(fs.existsSync(path.join(dataDir, `${exampleEnv.POSTINGS_FILE}.rejects.csv`))).toBe(true);
  }, 300_000);
});

describe('Procfile release', () => {
  it('migrates an empty database, and again without harm', () => {
    ensureBuilt('loader', 'cli.js');
    const databaseUrl = `sqlite:${path.join(scratch, 'release.sqlite')}`;
    const command = procfile.release.split(/\s+/);
    expect(described(runNode(command, { DATABASE_URL: databaseUrl }))).toEqual({
      status: 0,
      output: expect.stringContaining('up to date'),
    });
    expect(described(runNode(command, { DATABASE_URL: databaseUrl })).status).toBe(0);
    expect(fs.existsSync(path.join(scratch, 'release.sqlite'))).toBe(true);
  }, 300_000);
});

describe('Procfile web and the image HEALTHCHECK', () => {
  const probe = (port: string) => runNode(healthcheck, { PORT: port });

  it('serves on PORT, passes the health check, and exits 0 on SIGTERM', async () => {
    ensureBuilt('server', 'server.js');
    const xs = Array.from({ length: 40 }, (_, i) => 20 + i * 4);
    const modelFile = path.join(scratch, 'model.json');
    fs.writeFileSync(
      modelFile,
      JSON.stringify(
        trainModel(
          xs,
          xs.map((x) => 300 + 9 * x + (x % 7)),
          { name: 'deploy-test', source: { description: 'synthetic points of the deploy test', sha256: null } },
        ),
      ),
    );

    const [node, ...args] = procfile.web.split(/\s+/);
    expect(node).toBe('node');
    const server = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: containerEnv({ PORT: '0', HOST: '127.0.0.1', MODEL_PATH: modelFile, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server did not report listening within 30 s:\n${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        void exited.then(([code]) => {
          clearTimeout(timer);
          reject(new Error(`the server exited (${code}) before listening:\n${output}`));
        });
      });
      expect(described(probe(port)).status).toBe(0);

      server.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // Nothing listens there now: the same probe reports unhealthy.
      expect(probe(port).status).toBe(1);
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  }, 300_000);
});

describe('the volume-alert CronJob command, run for real', () => {
  interface CronJob {
    spec: { jobTemplate: { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } } };
  }
  const cronCommand = (readYaml('docker', 'k8s', 'volume-alert-cronjob.yaml') as CronJob).spec.jobTemplate.spec.template.spec.containers[0]
    .command;

  it("exits 4 exactly when the loader job's month has alert days, and writes the same q5_alerts.csv", () => {
    const { dataDir, databaseUrl, result: load } = runLoaderJobOnce();
    expect(load.status).toBe(0);
    // The pod's /tmp volume is a temp folder here; everything else runs as written.
    const tmp = path.join(scratch, 'cron-tmp');
    fs.mkdirSync(tmp);
    const command = cronCommand.map((arg) => (arg.startsWith('/tmp/') ? tmp + arg.slice(4) : arg));
    const out = command[command.indexOf('--out') + 1];
    const result = runNode(command, { DATABASE_URL: databaseUrl });
    const expected = dataRows(path.join(dataDir, 'q5_alerts.csv'));
    // The sample is one month, so "latest" is the month the loader job answered.
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: expected.length > 0 ? 4 : 0, stderr: '' });
    expect(fs.readFileSync(path.join(out, 'q5_alerts.csv'), 'utf8')).toBe(fs.readFileSync(path.join(dataDir, 'q5_alerts.csv'), 'utf8'));
  }, 300_000);
});
