/**
 * docker/compose.yaml against the code it runs: every command, flag, port
 * and variable is checked against the loader CLI (its usage text and command
 * table), the server's config schema and the Dockerfile, so they cannot drift.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_KEYS, defaultConfig, loadConfig } from 'server';
import { LOAD_USAGE } from 'loader';
import { parseDatabaseUrl } from 'loader';
import {
  DOCKER_DIR,
  REPO_ROOT,
  checkLoaderArgs,
  collectStrings,
  commandArgs,
  composeEnvironment,
  containerPort,
  dockerStages,
  environmentReadBy,
  execForm,
  interpolate,
  interpolateDeep,
  loaderCommands,
  parseDockerfile,
  parseEnvFile,
  readRepoFile,
  readYaml,
  sourceOfDistPath,
  usageFlags,
  variablesIn,
  volumeMount,
  type ComposeFile,
  type ComposeService,
} from './deploy-files';

const raw = readYaml('docker', 'compose.yaml') as ComposeFile;
const exampleEnv = parseEnvFile(readRepoFile('docker', '.env.example'));
const compose = interpolateDeep(raw, exampleEnv);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker/compose.yaml has no service ${name}`);
  return found;
};
const runtimeCmd = (() => {
  const stages = dockerStages(parseDockerfile(readRepoFile('docker', 'Dockerfile')));
  const cmd = stages[stages.length - 1].instructions.filter((i) => i.keyword === 'CMD').pop();
  if (!cmd) throw new Error('docker/Dockerfile: the runtime stage has no CMD');
  return execForm(cmd.args);
})();

describe('docker/compose.yaml variables', () => {
  it('uses only variables that docker/.env.example sets, and the example sets none it does not use', () => {
    const used = new Set(collectStrings(raw).flatMap(variablesIn));
    expect([...used].filter((name) => !(name in exampleEnv)).sort()).toEqual([]);
    expect(
      Object.keys(exampleEnv)
        .filter((name) => !used.has(name))
        .sort(),
    ).toEqual([]);
  });

  it('refuses to start without the passwords', () => {
    const { MYSQL_PASSWORD: _password, ...withoutPassword } = exampleEnv;
    expect(() => interpolateDeep(raw, withoutPassword)).toThrow(/MYSQL_PASSWORD/);
    const { MYSQL_ROOT_PASSWORD: _root, ...withoutRoot } = exampleEnv;
    expect(() => interpolateDeep(raw, withoutRoot)).toThrow(/MYSQL_ROOT_PASSWORD/);
  });

  it('keeps $$ for the container shell (the health check reads the root password there)', () => {
    expect(interpolate('--password="$$MYSQL_ROOT_PASSWORD"', {})).toBe('--password="$MYSQL_ROOT_PASSWORD"');
  });
});

describe('docker/compose.yaml mysql', () => {
  const mysql = () => service('mysql');

  it('is MySQL 8 with LOAD DATA LOCAL allowed and its data on a named volume', () => {
    expect(mysql().image).toBe('mysql:8.0');
    expect(commandArgs(mysql().command)).toContain('--local-infile=1');
    const [volume] = (mysql().volumes ?? []).map(volumeMount);
    expect(volume.target).toBe('/var/lib/mysql');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume.source);
  });

  it('is health-checked with mysqladmin ping over TCP', () => {
    const test = mysql().healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toMatch(/mysqladmin ping .*--host=127\.0\.0\.1/);
  });

  it('creates the database, user and password that DATABASE_URL names', () => {
    const env = composeEnvironment(mysql());
    for (const name of ['loader', 'server']) {
      const target = parseDatabaseUrl(composeEnvironment(service(name)).DATABASE_URL);
      expect(target).toMatchObject({
        dialect: 'mysql',
        host: 'mysql',
        port: 3306,
        user: env.MYSQL_USER,
        password: env.MYSQL_PASSWORD,
        database: env.MYSQL_DATABASE,
      });
    }
    expect(Object.keys(compose.services)).toContain('mysql');
  });
});

describe('docker/compose.yaml loader', () => {
  const loader = () => service('loader');
  const flags = usageFlags(LOAD_USAGE);

  it('runs the loader CLI that the image builds', () => {
    const [node, entry, command] = commandArgs(loader().command);
    expect(node).toBe('node');
    expect(fs.existsSync(sourceOfDistPath(entry))).toBe(true);
    expect(entry).toBe('packages/loader/dist/cli.js');
    expect(loaderCommands()).toContain(command);
    expect(command).toBe('start');
  });

  it('passes only flags that `start` documents in LOAD_USAGE', () => {
    const { problems } = checkLoaderArgs(commandArgs(loader().command).slice(3), flags);
    expect(problems).toEqual([]);
    expect(flags.size).toBeGreaterThan(5);
  });

  it('loads one file from the mounted folder and writes the answers back into it', () => {
    const { positionals, options } = checkLoaderArgs(commandArgs(loader().command).slice(3), flags);
    const mounts = (loader().volumes ?? []).map(volumeMount);
    expect(mounts).toHaveLength(1);
    const [{ source, target }] = mounts;
    expect(positionals).toEqual([`${target}/${exampleEnv.POSTINGS_FILE}`]);
    expect(options.out).toBe(target);
    // Relative to docker/, as compose resolves it: the repository's data/.
    expect(path.resolve(DOCKER_DIR, source)).toBe(path.join(REPO_ROOT, 'data'));
    expect(fs.existsSync(path.join(REPO_ROOT, 'data', exampleEnv.POSTINGS_FILE))).toBe(true);
  });

  it('sets only environment variables the loader reads', () => {
    const read = environmentReadBy('loader');
    expect(read.has('DATABASE_URL')).toBe(true);
    expect(Object.keys(composeEnvironment(loader())).filter((k) => !read.has(k))).toEqual([]);
  });

  it('is a one-shot job that waits for a healthy MySQL', () => {
    expect(loader().depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    expect(String((loader() as { restart?: string }).restart)).toBe('no');
    expect(loader().healthcheck).toEqual({ disable: true });
    expect(loader().user).toMatch(/^\d+:\d+$/);
  });
});

describe('docker/compose.yaml server', () => {
  const server = () => service('server');

  it('runs the image default command (the server entry point)', () => {
    expect(commandArgs(server().command)).toEqual(runtimeCmd);
    expect(fs.existsSync(sourceOfDistPath(commandArgs(server().command)[1]))).toBe(true);
  });

  it('sets only variables of the server config schema, with valid values', () => {
    const env = composeEnvironment(server());
    expect(Object.keys(env).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('publishes the port the server listens on, on a named interface', () => {
    const config = loadConfig(composeEnvironment(server()));
    const ports = server().ports ?? [];
    expect(ports.map(containerPort)).toEqual([config.PORT]);
    expect(config.PORT).toBe(defaultConfig().PORT);
    expect(typeof ports[0]).toBe('string');
    const published = (ports[0] as string).split(':');
    expect(published).toHaveLength(3);
    expect(published[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('starts after the loader succeeded', () => {
    expect(server().depends_on).toMatchObject({
      loader: { condition: 'service_completed_successfully' },
      mysql: { condition: 'service_healthy' },
    });
  });
});

describe('docker/compose.yaml build', () => {
  it('builds loader and server from docker/Dockerfile with the repository as context, as one image', () => {
    for (const name of ['loader', 'server']) {
      const build = service(name).build as { context: string; dockerfile: string };
      expect(path.resolve(DOCKER_DIR, build.context)).toBe(REPO_ROOT);
      expect(fs.existsSync(path.join(REPO_ROOT, build.dockerfile))).toBe(true);
      expect(build.dockerfile).toBe('docker/Dockerfile');
    }
    expect(service('loader').image).toBe(service('server').image);
  });
});
