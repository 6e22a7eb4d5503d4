/**
 * The runtime packages ship only production code: `npm pack` of each lists
 * no file under a bench or generator path. Those live in this private tools
 * workspace, which nothing runtime imports.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');
const RUNTIME = ['@realxdeal/model', 'analysis', 'loader', 'server'] as const;
const FOLDERS: Record<(typeof RUNTIME)[number], string> = {
  '@realxdeal/model': 'packages/model',
  analysis: 'packages/analysis',
  loader: 'packages/loader',
  server: 'packages/server',
};
const TOOL_PATH = /(^|\/)(bench|benchmarks?|generator)(\/|$)|(^|\/)(bench-|generate-|load-test)[^/]*$/;

interface PackResult {
  name: string;
  files: { path: string }[];
}

/** `npm pack --dry-run --json` of every runtime workspace, without lifecycle scripts. */
function pack(): PackResult[] {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  const args = ['pack', '--dry-run', '--json', '--ignore-scripts', ...RUNTIME.flatMap((w) => ['-w', w])];
  const result = spawnSync('npm', args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as PackResult[];
}

describe('npm pack of the runtime packages', () => {
  const packs = pack();

  it.each(RUNTIME)('%s packs its built entry point', (name) => {
    const files = packs.find((p) => p.name === name)?.files.map((f) => f.path) ?? [];
    expect({ name, hasEntry: files.includes('dist/index.js'), hint: 'run npm run build first' }).toEqual({
      name,
      hasEntry: true,
      hint: 'run npm run build first',
    });
  });

  it.each(RUNTIME)('%s packs no benchmark or generator file', (name) => {
    const files = packs.find((p) => p.name === name)?.files.map((f) => f.path) ?? [];
    // A file here while src/ has none is a stale build: rm -rf <package>/dist && npm run build.
    expect({ name, tools: files.filter((f) => TOOL_PATH.test(f)) }).toEqual({ name, tools: [] });
  });

  it.each(RUNTIME)('%s has no benchmark or generator source', (name) => {
    const src = path.join(REPO_ROOT, FOLDERS[name], 'src');
    const sources = (fs.readdirSync(src, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/'));
    expect({ name, tools: sources.filter((f) => TOOL_PATH.test(f)) }).toEqual({ name, tools: [] });
  });
});
