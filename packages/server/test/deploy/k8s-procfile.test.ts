/**
 * The Kubernetes manifests (docker/k8s), the Procfile and the CI workflow
 * against the code: the same entry points as the image and compose, flags
 * the CLI documents, config keys the server validates, probes on routes
 * that exist.
 */
import * as fs from 'node:fs';
import { CONFIG_KEYS, defaultConfig, loadConfig } from 'server';
import { ANALYZE_USAGE } from 'loader';
import { LOAD_USAGE } from 'loader';
import { MIGRATE_USAGE } from 'loader';
import { parseDatabaseUrl } from 'loader';
import {
  checkLoaderArgs,
  dockerStages,
  environmentReadBy,
  execForm,
  interpolateDeep,
  loaderCommands,
  parseDockerfile,
  parseEnvFile,
  readRepoFile,
  readYaml,
  readYamlDocuments,
  repoPath,
  serverRoutes,
  sourceOfDistPath,
  usageFlags,
} from './deploy-files';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

const K8S_DIR = repoPath('docker', 'k8s');
const manifests: Array<{ file: string; doc: Manifest }> = fs
  .readdirSync(K8S_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .flatMap((file) => readYamlDocuments('docker', 'k8s', file).map((doc) => ({ file, doc: doc as Manifest })));

function one(kind: string): Manifest {
  const found = manifests.filter((m) => m.doc.kind === kind);
  if (found.length !== 1) throw new Error(`docker/k8s: expected one ${kind}, found ${found.length}`);
  return found[0].doc;
}
function podSpecOf(m: Manifest): PodSpec {
  const spec = m.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  if (spec.template) return spec.template.spec;
  if (spec.jobTemplate) return spec.jobTemplate.spec.template.spec;
  throw new Error(`${m.kind} ${m.metadata.name} has no pod template`);
}
const containerOf = (m: Manifest): Container => podSpecOf(m).containers[0];
const secret = () => one('Secret');
/** A container's environment with secret references replaced by the example Secret's values. */
function resolvedEnv(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? (secret().stringData?.[ref.key] as string) : (e.value as string);
  }
  return env;
}
const runtimeCmd = (() => {
  const stages = dockerStages(parseDockerfile(readRepoFile('docker', 'Dockerfile')));
  return execForm(stages[stages.length - 1].instructions.filter((i) => i.keyword === 'CMD').pop()!.args);
})();
const composeLoaderCommand = interpolateDeep(
  (readYaml('docker', 'compose.yaml') as { services: { loader: { command: string[] } } }).services.loader.command,
  parseEnvFile(readRepoFile('docker', '.env.example')),
);

describe('docker/k8s', () => {
  it('holds a Deployment, a Service, a Job, a CronJob, a PVC and an example Secret', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['CronJob', 'Deployment', 'Job', 'PersistentVolumeClaim', 'Secret', 'Service']);
    for (const { file, doc } of manifests) {
      expect({ file, apiVersion: typeof doc.apiVersion, name: typeof doc.metadata?.name }).toEqual({
        file,
        apiVersion: 'string',
        name: 'string',
      });
    }
  });

  it('runs one image everywhere, without a secret in plain env', () => {
    const pods = manifests.filter((m) => ['Deployment', 'Job', 'CronJob'].includes(m.doc.kind)).map((m) => containerOf(m.doc));
    expect(new Set(pods.map((c) => c.image)).size).toBe(1);
    for (const c of pods) {
      for (const e of c.env ?? [])
        if (e.name === 'DATABASE_URL') expect(e.valueFrom?.secretKeyRef).toEqual({ name: secret().metadata.name, key: 'DATABASE_URL' });
    }
  });

  it('has an example Secret with a DATABASE_URL the loader accepts', () => {
    expect(parseDatabaseUrl(secret().stringData?.DATABASE_URL)).toMatchObject({ dialect: 'mysql' });
  });
});

describe('docker/k8s server Deployment', () => {
  const deployment = () => one('Deployment');
  const server = () => containerOf(deployment());

  it('runs the image default command', () => {
    expect(server().command).toEqual(runtimeCmd);
    expect(server().args).toBeUndefined();
  });

  it('sets only server config keys, with valid values, and listens on its container port', () => {
    const env = resolvedEnv(server());
    expect(Object.keys(env).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k))).toEqual([]);
    const config = loadConfig(env);
    expect(server().ports?.map((p) => p.containerPort)).toEqual([config.PORT]);
    expect(config.PORT).toBe(defaultConfig().PORT);
  });

  it('is ready on /readyz and alive on /healthz, routes the server has', () => {
    const routes = serverRoutes();
    const portName = server().ports?.[0].name;
    expect(server().readinessProbe?.httpGet).toEqual({ path: '/readyz', port: portName });
    expect(server().livenessProbe?.httpGet).toEqual({ path: '/healthz', port: portName });
    expect(routes.has('/readyz') && routes.has('/healthz')).toBe(true);
  });

  it('has resource requests and limits, runs as non-root, and outwaits the 25 s drain', () => {
    expect(Object.keys(server().resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(server().resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(podSpecOf(deployment()).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(podSpecOf(deployment()).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });

  it('is reached through the Service', () => {
    const service = one('Service');
    const spec = service.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> };
    const labels = (deployment().spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(labels).toMatchObject(spec.selector);
    expect(spec.ports.map((p) => p.targetPort)).toEqual([server().ports?.[0].name]);
  });
});

describe('docker/k8s loader Job', () => {
  const job = () => one('Job');
  const loader = () => containerOf(job());

  it('runs exactly the compose loader command', () => {
    expect(loader().command).toEqual(composeLoaderCommand);
    const [, entry, command, ...rest] = loader().command as string[];
    expect(fs.existsSync(sourceOfDistPath(entry))).toBe(true);
    expect(loaderCommands()).toContain(command);
    expect(checkLoaderArgs(rest, usageFlags(LOAD_USAGE)).problems).toEqual([]);
  });

  it('reads and writes the data volume at /data, and never restarts in place', () => {
    expect(loader().volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    const claim = podSpecOf(job()).volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName;
    expect(claim).toBe(one('PersistentVolumeClaim').metadata.name);
    expect(podSpecOf(job()).restartPolicy).toBe('Never');
    const read = environmentReadBy('loader');
    expect((loader().env ?? []).map((e) => e.name).filter((n) => !read.has(n))).toEqual([]);
  });
});

describe('docker/k8s volume-alert CronJob', () => {
  const cron = () => one('CronJob');
  const alert = () => containerOf(cron());

  it('runs analyze on the newest month directly, exiting 4 on an alert, with flags analyze knows', () => {
    const [node, entry, command, ...rest] = alert().command as string[];
    expect(node).toBe('node');
    expect(fs.existsSync(sourceOfDistPath(entry))).toBe(true);
    expect(command).toBe('analyze');
    const { problems, positionals, options } = checkLoaderArgs(rest, usageFlags(ANALYZE_USAGE));
    expect({ problems, positionals }).toEqual({ problems: [], positionals: [] });
    expect(options).toMatchObject({ month: 'latest', 'exit-on-alert': true });
    // The root filesystem is read-only: the answers must go to the /tmp volume.
    expect(String(options.out)).toMatch(/^\/tmp\//);
    expect(alert().volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('does not retry an alert', () => {
    expect((cron().spec as { jobTemplate: { spec: { backoffLimit: number } } }).jobTemplate.spec.backoffLimit).toBe(0);
  });
});

describe('Procfile', () => {
  const processes = Object.fromEntries(
    readRepoFile('Procfile')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
      }),
  );

  it('has a web process running the image default command and a release step', () => {
    expect(Object.keys(processes).sort()).toEqual(['release', 'web']);
    expect(processes.web).toBe((runtimeCmd as string[]).join(' '));
  });

  it('migrates in the release step with the loader CLI migrate command', () => {
    const [node, entry, command, ...rest] = processes.release.split(/\s+/);
    expect(node).toBe('node');
    expect(fs.existsSync(sourceOfDistPath(entry))).toBe(true);
    expect(command).toBe('migrate');
    expect(loaderCommands()).toContain('migrate');
    expect(checkLoaderArgs(rest, usageFlags(MIGRATE_USAGE)).problems).toEqual([]);
  });
});

describe('.github/workflows/ci.yml', () => {
  interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
  }
  interface Job {
    services?: Record<string, { image: string; options?: string; ports?: string[] }>;
    env?: Record<string, string>;
    steps: Step[];
    container?: string | { image: string };
    strategy?: { matrix: Record<string, unknown[]> };
  }
  const workflow = readYaml('.github', 'workflows', 'ci.yml') as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const jobs = Object.values(workflow.jobs);
  const runLines = (job: Job) => job.steps.flatMap((s) => (s.run ?? '').split('\n').map((l) => l.trim()));

  it('runs on push and pull_request', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('tests the MySQL job on Node 22 and 24 and every other job on .nvmrc (24), with the npm cache', () => {
    expect(readRepoFile('.nvmrc').trim()).toBe('24');
    const setup = (job: Job) => job.steps.find((s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ''))?.with;
    for (const job of jobs) {
      expect(setup(job)).toEqual(
        job.services?.mysql ? { 'node-version': '${{ matrix.node }}', cache: 'npm' } : { 'node-version-file': '.nvmrc', cache: 'npm' },
      );
    }
    const mysqlJob = jobs.find((j) => j.services?.mysql);
    expect(mysqlJob?.strategy?.matrix.node).toEqual(['22', '24']);
    for (const job of jobs.filter((j) => j.container)) {
      expect(typeof job.container === 'string' ? job.container : job.container!.image).toMatch(/^node:24-/);
    }
  });

  it('runs npm ci, build, lint and the README test command against a health-checked MySQL 8', () => {
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    const job = jobs.find((j) => j.services?.mysql);
    expect(job).toBeDefined();
    expect(job!.services!.mysql.image).toBe('mysql:8.0');
    expect(job!.services!.mysql.options).toMatch(/--health-cmd "mysqladmin ping/);
    expect(job!.env?.MYSQL_URL).toMatch(/^mysql:\/\/root:[^@]+@127\.0\.0\.1:3306\/test$/);
    const lines = runLines(job!);
    const order = ['npm ci', 'npm run build', 'npm run lint', 'npm test'].map((cmd) => lines.findIndex((l) => l.startsWith(cmd)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const script of ['build', 'lint', 'test']) expect(scripts[script]).toBeDefined();
    expect(readRepoFile('README.md')).toContain('npm test');
  });

  it('has a second job that installs Chromium for the browser tests', () => {
    const browser = jobs.find((j) => runLines(j).some((l) => /apt-get install .*\bchromium\b/.test(l)));
    expect(browser).toBeDefined();
    expect(browser).not.toBe(jobs.find((j) => j.services?.mysql));
    expect(runLines(browser!)).toContain('npm test');
  });
});
