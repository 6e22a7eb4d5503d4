/**
 * docker/Dockerfile and .dockerignore against the repository: the stages the
 * image needs, every file it copies present in the build context, and the
 * runtime contract (user, port, health check, stop signal, entry point).
 */
import * as fs from 'node:fs';
import { defaultConfig } from 'server';
import {
  dockerArgDefaults,
  dockerStages,
  execForm,
  isDockerIgnored,
  parseCopy,
  parseDockerfile,
  readRepoFile,
  repoPath,
  serverRoutes,
  sourceOfDistPath,
  type DockerStage,
} from './deploy-files';

const instructions = parseDockerfile(readRepoFile('docker', 'Dockerfile'));
const stages = dockerStages(instructions);
const runtime = stages[stages.length - 1];
const ignore = readRepoFile('.dockerignore');
const workspaces = (JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }).workspaces;
/** What the image runs; the private tools/ workspace (generator, benchmarks) never ships. */
const runtimeWorkspaces = workspaces.filter((ws) => ws.startsWith('packages/'));

const of = (stage: DockerStage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const runs = (stage: DockerStage) =>
  of(stage, 'RUN')
    .map((i) => i.args)
    .join('\n');
const last = (stage: DockerStage, keyword: string) => {
  const found = of(stage, keyword).pop();
  if (!found) throw new Error(`docker/Dockerfile: stage ${stage.name ?? stage.from} has no ${keyword}`);
  return found;
};
/** A stage's base, following `FROM ${ARG}` and `FROM <earlier stage>` to an image. */
function baseImage(stage: DockerStage): string {
  const from = stage.from.replace(/\$\{(\w+)\}/g, (_m, name: string) => dockerArgDefaults(instructions)[name] ?? '');
  const parent = stages.find((s) => s.name === from);
  return parent ? baseImage(parent) : from;
}
/** The stage whose RUN matches, and the ones built FROM it. */
function stageThatRuns(pattern: RegExp): DockerStage {
  const found = stages.find((s) => pattern.test(runs(s)));
  if (!found) throw new Error(`docker/Dockerfile: no stage runs ${pattern}`);
  return found;
}

describe('docker/Dockerfile stages', () => {
  it('builds on node:24-bookworm-slim (the active LTS, as in .nvmrc) everywhere', () => {
    expect(readRepoFile('.nvmrc').trim()).toBe('24');
    for (const stage of stages) expect(baseImage(stage)).toBe('node:24-bookworm-slim');
  });

  it('installs no compiler: better-sqlite3 13 brings prebuilt Node-API binaries', () => {
    for (const stage of stages) expect(runs(stage)).not.toMatch(/apt-get install|node-gyp|npm install -g/);
    const sqlite = JSON.parse(readRepoFile('node_modules', 'better-sqlite3', 'package.json')) as {
      version: string;
      scripts?: Record<string, string>;
    };
    expect(sqlite.version).toMatch(/^13\./);
    expect(Object.keys(sqlite.scripts ?? {})).not.toContain('install');
    expect(fs.existsSync(repoPath('node_modules', 'better-sqlite3', 'prebuilds', 'linux-x64.node'))).toBe(true);
  });

  it('builds with every dependency and installs production dependencies separately', () => {
    const build = stageThatRuns(/npm run build/);
    expect(runs(build)).toMatch(/npm ci(?! --omit)/);
    const prod = stageThatRuns(/npm ci --omit=dev/);
    expect(prod).not.toBe(build);
    const fromProd = of(runtime, 'COPY')
      .map((c) => parseCopy(c.args))
      .filter((c) => c.flags.from === prod.name);
    expect(fromProd.map((c) => c.sources)).toContainEqual(['/app/']);
  });

  it('carries nothing of the private tools workspace into the image', () => {
    expect(workspaces).toContain('tools');
    const copies = of(runtime, 'COPY').map((c) => parseCopy(c.args));
    expect(copies.flatMap((c) => c.sources).filter((source) => /(^|\/)tools(\/|$)/.test(source))).toEqual([]);
    // npm ci links every workspace, tools included; the stage the runtime copies whole drops the link.
    expect(runs(stageThatRuns(/npm ci --omit=dev/))).toMatch(/rm -rf node_modules\/tools tools/);
  });

  it('ships no compiler and runs no install in the runtime stage', () => {
    expect(runs(runtime)).not.toMatch(/apt-get install|npm ci|npm install/);
  });

  it('copies every workspace dist from the build stage, plus views, public, the model and data', () => {
    const build = stageThatRuns(/npm run build/);
    const copies = of(runtime, 'COPY').map((c) => parseCopy(c.args));
    for (const ws of runtimeWorkspaces) {
      expect(copies).toContainEqual(
        expect.objectContaining({ flags: { from: build.name }, sources: [`/app/${ws}/dist`], dest: `${ws}/dist` }),
      );
    }
    const fromContext = copies.filter((c) => c.flags.from === undefined).flatMap((c) => c.sources);
    expect(fromContext).toEqual(
      expect.arrayContaining(['packages/server/views', 'packages/server/public', 'packages/model/models', 'data']),
    );
  });
});

describe('docker/Dockerfile build context', () => {
  const contextSources = instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => parseCopy(i.args))
    .filter((c) => c.flags.from === undefined)
    .flatMap((c) => c.sources);

  it.each(contextSources)('%s exists in the repository', (source) => {
    expect(fs.existsSync(repoPath(source))).toBe(true);
  });

  it.each(contextSources)('%s is not left out by .dockerignore', (source) => {
    expect(isDockerIgnored(source, ignore)).toBe(false);
  });

  it('leaves out host builds, local data, secrets and git', () => {
    for (const p of [
      'node_modules/knex/package.json',
      'packages/loader/node_modules/x',
      'packages/loader/dist/cli.js',
      'packages/loader/dist/.tsbuildinfo',
      'data/realxdeal.sqlite',
      'data/realxdeal.sqlite-wal',
      'data/postings_february.csv.rejects.csv',
      'data/q5_alerts.csv',
      'output/q1_avg_price_per_m2.csv',
      '.git/HEAD',
      'docker/.env',
      'tools/src/generator/generate-postings.ts',
      'tools/src/bench/bench-load.ts',
    ]) {
      expect({ path: p, ignored: isDockerIgnored(p, ignore) }).toEqual({ path: p, ignored: true });
    }
    for (const p of ['data/postings_february.csv', 'packages/loader/src/cli.ts', 'package-lock.json']) {
      expect({ path: p, ignored: isDockerIgnored(p, ignore) }).toEqual({ path: p, ignored: false });
    }
  });
});

describe('docker/Dockerfile runtime contract', () => {
  it('runs as the unprivileged node user', () => {
    expect(last(runtime, 'USER').args).toBe('node');
    expect(last(runtime, 'USER').line).toBeLessThan(last(runtime, 'CMD').line);
  });

  it('works in /app, so the relative entry points of compose, k8s and the Procfile resolve', () => {
    expect(last(runtime, 'WORKDIR').args).toBe('/app');
  });

  it("exposes the server's default port and stops it with SIGTERM", () => {
    expect(of(runtime, 'EXPOSE').map((i) => i.args)).toEqual([String(defaultConfig().PORT)]);
    expect(last(runtime, 'STOPSIGNAL').args).toBe('SIGTERM');
  });

  it('health-checks /healthz with node (slim images have no curl)', () => {
    const check = last(runtime, 'HEALTHCHECK').args;
    const cmd = execForm(check.replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(Array.isArray(cmd) && cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(check).toContain("path:'/healthz'");
    expect(check).not.toMatch(/curl|wget/);
    expect(serverRoutes().has('/healthz')).toBe(true);
  });

  it('starts the server by default', () => {
    const cmd = execForm(last(runtime, 'CMD').args);
    expect(cmd).toEqual(['node', 'packages/server/dist/server.js']);
    expect(fs.existsSync(sourceOfDistPath((cmd as string[])[1]))).toBe(true);
  });
});
