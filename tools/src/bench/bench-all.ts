/**
 * `npm run bench`: runs every benchmark in turn and prints one table. Each
 * benchmark prints its own detailed table and, for this script, one
 * `BENCH_RESULT {json}` line per headline figure (report.ts): the figure,
 * its reference measured in the same run, the ratio and the target.
 *
 *   npm run bench                     # everything (about 20-30 minutes on 2 cores)
 *   npm run bench -- --only model,server
 *   npm run bench -- --markdown docs/benchmarks.md
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveUserPath } from 'loader';

/** The repository root: benchmarks run from there, as `npm run bench:x` does. */
const ROOT = path.join(__dirname, '..', '..', '..');
const BENCHES = [
  { name: 'model', script: 'bench-model.js' },
  { name: 'load', script: 'bench-load.js' },
  { name: 'bounds', script: 'bench-bounds.js' },
  { name: 'analysis', script: 'bench-analysis.js' },
  { name: 'answers', script: 'bench-answers.js' },
  { name: 'server', script: 'bench-server.js' },
  { name: 'predict', script: 'bench-predict.js' },
] as const;

interface Flags {
  only: Set<string> | null;
  markdown: string | null;
}

interface Result {
  bench: string;
  figure?: string;
  value?: number;
  unit?: string;
  reference?: number;
  referenceLabel?: string;
  ratio?: number;
  target?: string;
  pass?: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { only: null, markdown: null };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--only' && value !== undefined) flags.only = new Set(argv[++i].split(','));
    else if (argv[i] === '--markdown' && value !== undefined) flags.markdown = resolveUserPath(argv[++i], process.env);
    else throw new Error(`unknown flag ${argv[i]}; use --only name,name or --markdown FILE`);
  }
  return flags;
}

function run(name: string, script: string): Promise<{ code: number | null; results: Result[] }> {
  return new Promise((resolve) => {
    const results: Result[] = [];
    const child = spawn(process.execPath, [path.join(__dirname, script)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('BENCH_RESULT ')) results.push({ bench: name, ...(JSON.parse(line.slice(13)) as Omit<Result, 'bench'>) });
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('close', (code) => resolve({ code, results }));
  });
}

function fmt(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v !== 'number') return v;
  const abs = Math.abs(v);
  return abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : v.toFixed(3);
}

function table(rows: readonly Result[]): string {
  const head = ['bench', 'figure', 'ours', 'reference', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.bench,
    r.figure ?? '',
    `${fmt(r.value)} ${r.unit ?? ''}`.trim(),
    r.reference === undefined ? '' : `${fmt(r.reference)} ${r.referenceLabel ?? ''}`.trim(),
    fmt(r.ratio),
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const all: Result[] = [];
  const failed: string[] = [];
  for (const bench of BENCHES) {
    if (flags.only && !flags.only.has(bench.name)) continue;
    process.stdout.write(`\n=== bench ${bench.name} ===\n`);
    const { code, results } = await run(bench.name, bench.script);
    if (code !== 0) failed.push(`${bench.name}: exited ${code}`);
    all.push(...results);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
  const out = `\n## Summary (${new Date().toISOString().slice(0, 16)}Z)\n\nMachine: ${machine}\n\n${table(all)}\n`;
  process.stdout.write(out);
  if (failed.length) process.stdout.write(`\nNot measured: ${failed.join('; ')}\n`);
  process.stdout.write('\nReproduce: npm run bench (or npm run bench:model | bench:load | bench:analysis | bench:server)\n');
  if (flags.markdown) fs.writeFileSync(flags.markdown, out);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-all: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
