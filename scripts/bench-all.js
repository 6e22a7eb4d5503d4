#!/usr/bin/env node
/**
 * `npm run bench`: runs every package's benchmark in turn and prints one
 * table. Each benchmark prints its own detailed table and, for this script,
 * one `BENCH_RESULT {json}` line per headline figure: the figure, its
 * reference measured in the same run, the ratio and the target.
 *
 *   npm run bench                     # everything (about 20-30 minutes on 2 cores)
 *   npm run bench -- --only model,server
 *   npm run bench -- --markdown docs/benchmarks.md
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const BENCHES = [
  { name: 'model', script: 'packages/model/dist/bench/bench-model.js', args: [] },
  { name: 'load', script: 'packages/loader/dist/bench/bench-load.js', args: [] },
  { name: 'analysis', script: 'packages/loader/dist/bench/bench-analysis.js', args: [] },
  { name: 'server', script: 'packages/server/dist/bench/bench-server.js', args: [] },
];

function parseFlags(argv) {
  const flags = { only: null, markdown: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') flags.only = new Set(argv[++i].split(','));
    else if (argv[i] === '--markdown') flags.markdown = argv[++i];
    else throw new Error(`unknown flag ${argv[i]}; use --only name,name or --markdown FILE`);
  }
  return flags;
}

function run(bench) {
  return new Promise((resolve) => {
    const results = [];
    const child = spawn(process.execPath, [path.join(ROOT, bench.script), ...bench.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('BENCH_RESULT ')) results.push({ bench: bench.name, ...JSON.parse(line.slice(13)) });
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('close', (code) => resolve({ code, results }));
  });
}

function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  const abs = Math.abs(v);
  return abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : v.toFixed(3);
}

function table(rows) {
  const head = ['bench', 'figure', 'ours', 'reference', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [r.bench, r.figure, `${fmt(r.value)} ${r.unit ?? ''}`.trim(), r.reference === undefined ? '' : `${fmt(r.reference)} ${r.referenceLabel ?? ''}`.trim(), fmt(r.ratio), r.target ?? '', r.pass === undefined ? '' : r.pass ? 'yes' : 'NO']);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const all = [];
  const failed = [];
  for (const bench of BENCHES) {
    if (flags.only && !flags.only.has(bench.name)) continue;
    if (!fs.existsSync(path.join(ROOT, bench.script))) {
      failed.push(`${bench.name}: ${bench.script} is missing (run npm run build)`);
      continue;
    }
    process.stdout.write(`\n=== bench ${bench.name} ===\n`);
    const { code, results } = await run(bench);
    if (code !== 0) failed.push(`${bench.name}: exited ${code}`);
    all.push(...results);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  const out = `\n## Summary (${new Date().toISOString().slice(0, 16)}Z)\n\nMachine: ${machine}\n\n${table(all)}\n`;
  process.stdout.write(out);
  if (failed.length) process.stdout.write(`\nNot measured: ${failed.join('; ')}\n`);
  process.stdout.write('\nReproduce: npm run bench (or npm run bench:model | bench:load | bench:analysis | bench:server)\n');
  if (flags.markdown) fs.writeFileSync(flags.markdown, out);
  process.exitCode = failed.length ? 1 : 0;
}

main();
