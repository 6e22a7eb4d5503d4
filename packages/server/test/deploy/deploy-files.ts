/**
 * Readers for the repository's deployment files (docker/, Procfile, the CI
 * workflow) and for the facts they must agree with (the loader's flags, the
 * server's config keys and routes), shared by the deploy tests.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const DOCKER_DIR = path.join(REPO_ROOT, 'docker');

export function repoPath(...parts: string[]): string {
  return path.join(REPO_ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return fs.readFileSync(repoPath(...parts), 'utf8');
}

export function readYaml(...parts: string[]): unknown {
  return parseYaml(readRepoFile(...parts));
}

/** Every document of a multi-document YAML file, with parse errors thrown. */
export function readYamlDocuments(...parts: string[]): unknown[] {
  return parseAllDocuments(readRepoFile(...parts)).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS();
  });
}

// ---------------------------------------------------------------------------
// docker/.env.example and compose interpolation

/** KEY=value lines of an env file; comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    if (!match) throw new Error(`not a KEY=value line in an env file: ${line}`);
    env[match[1]] = match[2];
  }
  return env;
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** The names of the variables a compose string refers to (`$$` is a literal `$`). */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? m[5];
    if (name) names.push(name);
  }
  return names;
}

/**
 * Compose's interpolation: `${VAR}`, `$VAR`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$`. An unset
 * variable without a default is an error here (compose would warn and use "").
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, colon: string, op: string, arg: string, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const missing = colon === ':' ? value === undefined || value === '' : value === undefined;
    if (op === '-') return missing ? interpolate(arg, env) : (value as string);
    if (missing) throw new Error(`compose variable ${name} is not set${op === '?' ? `: ${arg}` : ''}`);
    return value as string;
  });
}

/** Every string inside a parsed YAML value, interpolated. */
export function interpolateDeep<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)])) as T;
  }
  return value;
}

export function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
  return out;
}

// ---------------------------------------------------------------------------
// compose.yaml

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | { target: number; published?: string | number }>;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  user?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function composeEnvironment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export function commandArgs(command: string[] | string | undefined): string[] {
  if (command === undefined) return [];
  if (Array.isArray(command)) return command.map(String);
  // The shell form is not used in these files; split plainly if it ever is.
  return command.trim().split(/\s+/);
}

/** `host:container[:mode]` or the long form, as { source, target }. */
export function volumeMount(volume: string | { source?: string; target: string }): { source: string; target: string } {
  if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target };
  const parts = volume.split(':');
  return { source: parts[0], target: parts[1] ?? parts[0] };
}

/** The container side of `[ip:][host:]container[/proto]`. */
export function containerPort(port: string | { target: number }): number {
  if (typeof port !== 'string') return port.target;
  const last = port.split(':').pop() as string;
  return Number(last.split('/')[0]);
}

// ---------------------------------------------------------------------------
// Dockerfile

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let joined = lines[i];
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i++;
      if (lines[i].trim().startsWith('#')) continue;
      joined = `${joined.replace(/\\\s*$/, '')} ${lines[i].trim()}`;
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(joined) as RegExpExecArray;
    out.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: start });
  }
  return out;
}

export interface DockerStage {
  from: string;
  name: string | null;
  instructions: DockerInstruction[];
}

export function dockerStages(instructions: DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args) as RegExpExecArray;
      stages.push({ from: m[1], name: m[2] ?? null, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** `["a", "b"]` exec form as an array; the shell form as one string. */
export function execForm(args: string): string[] | string {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return trimmed;
}

/** COPY's flags and its sources and destination. */
export function parseCopy(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name, value = ''] = (words.shift() as string).slice(2).split('=');
    flags[name] = value;
  }
  const dest = words.pop() as string;
  return { flags, sources: words, dest };
}

/** Resolves `${NAME}` from the Dockerfile's ARG defaults. */
export function dockerArgDefaults(instructions: DockerInstruction[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const ins of instructions) {
    if (ins.keyword !== 'ARG') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args);
    if (m && m[2] !== undefined) args[m[1]] = m[2];
  }
  return args;
}

// ---------------------------------------------------------------------------
// .dockerignore

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` matches anything.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether docker would leave `relPath` (relative to the context root) out
 * of the build context: a pattern matches the path or one of its parent
 * folders; the last match wins and `!` re-includes.
 */
export function isDockerIgnored(relPath: string, ignoreText: string): boolean {
  const patterns = ignoreText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const body = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '');
      return { negate, re: globToRegExp(body) };
    });
  const parts = path.posix.normalize(relPath).replace(/\/+$/, '').split('/');
  let ignored = false;
  for (let n = 1; n <= parts.length; n++) {
    const candidate = parts.slice(0, n).join('/');
    for (const p of patterns) if (p.re.test(candidate)) ignored = !p.negate;
  }
  return ignored;
}

// ---------------------------------------------------------------------------
// What the code accepts

/** `--flag` names in a usage text, each with whether it takes a value. */
export function usageFlags(usage: string): Map<string, { takesValue: boolean }> {
  const flags = new Map<string, { takesValue: boolean }>();
  for (const m of usage.matchAll(/--([a-z][a-z0-9-]*)( [A-Z][A-Z.-]*)?/g)) {
    flags.set(m[1], { takesValue: m[2] !== undefined });
  }
  return flags;
}

/** The command names of the loader CLI, read from cli.ts's COMMANDS table. */
export function loaderCommands(): string[] {
  const source = readRepoFile('packages', 'loader', 'src', 'cli.ts');
  const table = /const COMMANDS[^=]*=\s*\{([\s\S]*?)\};/.exec(source);
  if (!table) throw new Error('packages/loader/src/cli.ts has no COMMANDS table to read');
  return [...table[1].matchAll(/^\s*([a-z][a-z-]*)\s*:/gm)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Environment variables a package's sources read (`process.env.X`, `env.X`, `env['X']`). */
export function environmentReadBy(packageName: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(repoPath('packages', packageName, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]);
    for (const m of text.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) names.add(m[1]);
  }
  return names;
}

/** Paths of the server's routes, read from packages/server/src/routes. */
export function serverRoutes(): Set<string> {
  const routes = new Set<string>();
  const dir = repoPath('packages', 'server', 'src', 'routes');
  for (const file of sourceFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bapp\.(?:get|post|put|delete|patch|head)\(\s*['"]([^'"]+)['"]/g)) routes.add(m[1]);
  }
  return routes;
}

/**
 * The source file a `packages/<pkg>/dist/<x>.js` path is compiled from, so
 * an entry point in a deploy file cannot name a module that does not exist.
 */
export function sourceOfDistPath(distPath: string): string {
  const m = /^(?:\/app\/)?packages\/([^/]+)\/dist\/(.+)\.js$/.exec(distPath);
  if (!m) throw new Error(`${distPath} is not a packages/<pkg>/dist/<file>.js path`);
  return repoPath('packages', m[1], 'src', `${m[2]}.ts`);
}

/**
 * Checks a `node <cli.js> <command> args…` line against the loader's
 * commands and a usage text: every --flag known (with its value), and the
 * positionals returned.
 */
export function checkLoaderArgs(
  args: string[],
  flags: Map<string, { takesValue: boolean }>,
): { positionals: string[]; options: Record<string, string | true>; problems: string[] } {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const flag = flags.get(name);
    if (!flag) {
      problems.push(`unknown flag --${name}`);
      continue;
    }
    if (!flag.takesValue) {
      if (eq >= 0) problems.push(`--${name} takes no value`);
      options[name] = true;
    } else if (eq >= 0) {
      options[name] = arg.slice(eq + 1);
    } else {
      const value = args[i + 1];
      if (value === undefined) problems.push(`--${name} needs a value`);
      // node's parseArgs refuses `--flag -70`: a dash value needs `--flag=-70`.
      else if (value.startsWith('-')) problems.push(`--${name} ${value}: write --${name}=${value}`);
      else options[name] = value;
      i++;
    }
  }
  return { positionals, options, problems };
}

// ---------------------------------------------------------------------------
// Running things

/** Runs a root devDependency's bin with this Node; fails loudly if it is not installed. */
export function runDevTool(packageName: string, binName: string, args: string[], options: { cwd?: string } = {}): SpawnSyncReturns<string> {
  // Root devDependencies live in the root node_modules (some packages do not
  // export their package.json, so it is read from there, not resolved).
  const manifestPath = path.join(REPO_ROOT, 'node_modules', packageName, 'package.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${packageName} is not installed; it is a root devDependency: run npm ci at the repository root`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!bin) throw new Error(`${packageName} has no bin ${binName}`);
  const result = spawnSync(process.execPath, [path.join(path.dirname(manifestPath), bin), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return result;
}

/**
 * Makes sure `packages/<pkg>/dist/<entry>` exists, building the package
 * (and its references) with the repo's own tsc if it does not.
 */
export function ensureBuilt(pkg: string, entry: string): string {
  const file = repoPath('packages', pkg, 'dist', entry);
  if (fs.existsSync(file)) return file;
  const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
  const result = spawnSync(process.execPath, [tsc, '-b', path.join('packages', pkg)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0 || !fs.existsSync(file)) {
    throw new Error(
      `packages/${pkg}/dist/${entry} is missing and \`npx tsc -b packages/${pkg}\` did not produce it ` +
        `(exit ${result.status}); run npm run build.\n${result.stdout}${result.stderr}`,
    );
  }
  return file;
}
