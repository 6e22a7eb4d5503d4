/**
 * The record-length limit's memory bound: peak RSS and time of loading a
 * file with an opening quote that never closes (at line 10) against a clean
 * file of the same size (one byte apart), in the same script. Before the
 * limit, the unclosed quote made the loader hold the rest of the file as
 * one row; with it, the two loads should look alike. Target: the
 * unclosed-quote load's peak RSS within 1.1x of the clean load's.
 *
 *   npm run build && node tools/dist/bench/bench-bounds.js [--rows N] [--runs N]
 *
 * Each load runs in its own child process (load-runner.js) into a fresh
 * SQLite database, alternating clean and unclosed, so peak RSS is that
 * load's alone and drift on a shared machine hits both sides alike.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { writePostingsFile } from '../generator/generate-postings';
import { freshSqlite, type LoadRunResult } from './load-runner';
import { benchResult, makeLog, median, positive, table } from './report';

const SEED = 20210201;
const RSS_RATIO_TARGET = 1.1;
const log = makeLog('bench-bounds');
const run = promisify(execFile);

async function loadInChild(url: string, input: string, rejects: string): Promise<LoadRunResult> {
  const { stdout } = await run(process.execPath, [
    path.join(__dirname, 'load-runner.js'),
    'ours',
    '--url',
    url,
    '--input',
    input,
    '--rejects',
    rejects,
  ]);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as LoadRunResult;
}

/** A copy of `clean` whose line 10 opens a quote in its category that never closes. */
function withUnclosedQuote(clean: string, out: string): void {
  const text = fs.readFileSync(clean, 'latin1');
  let at = -1;
  for (let line = 1; line < 10; line++) at = text.indexOf('\n', at + 1);
  const comma = text.indexOf(',', at + 1);
  fs.writeFileSync(out, `${text.slice(0, comma + 1)}"${text.slice(comma + 1)}`, 'latin1');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' } } });
  const rows = positive('rows', values.rows, 1_000_000);
  const runs = positive('runs', values.runs, 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-bench-bounds-'));
  try {
    const files = { clean: path.join(dir, 'clean.csv'), unclosed: path.join(dir, 'unclosed.csv') };
    await writePostingsFile(files.clean, { rows, seed: SEED, dirty: false });
    withUnclosedQuote(files.clean, files.unclosed);
    const results: Record<keyof typeof files, LoadRunResult[]> = { clean: [], unclosed: [] };
    for (let i = 0; i < runs; i++) {
      for (const kind of ['clean', 'unclosed'] as const) {
        const url = await freshSqlite(path.join(dir, 'bench.sqlite'));
        const result = await loadInChild(url, files[kind], path.join(dir, 'rejects.csv'));
        const rejected = kind === 'clean' ? 0 : 1;
        if (result.rows !== rows || result.rejected !== rejected) {
          throw new Error(`${kind}: read ${result.rows} rows with ${result.rejected} rejected, expected ${rows} and ${rejected}`);
        }
        results[kind].push(result);
        log(`${kind} run ${i + 1}: ${result.seconds.toFixed(2)} s, peak RSS ${(result.maxRssKiB / 1024).toFixed(1)} MB`);
      }
    }
    const rss = (kind: keyof typeof files): number => median(results[kind].map((r) => r.maxRssKiB)) / 1024;
    const secs = (kind: keyof typeof files): number => median(results[kind].map((r) => r.seconds));
    const ratio = rss('unclosed') / rss('clean');
    const met = ratio <= RSS_RATIO_TARGET;
    console.log(
      `Loader bounds on SQLite, ${rows.toLocaleString('en-US')} rows (${(fs.statSync(files.clean).size / 1048576).toFixed(1)} MB), median of ${runs} runs each`,
    );
    console.log(
      table([
        ['file', 'seconds', 'peak RSS'],
        ['clean', secs('clean').toFixed(2), `${rss('clean').toFixed(1)} MB`],
        ['unclosed quote at line 10', secs('unclosed').toFixed(2), `${rss('unclosed').toFixed(1)} MB`],
      ]),
    );
    console.log(`peak RSS unclosed / clean: ${ratio.toFixed(3)} (target <= ${RSS_RATIO_TARGET}): ${met ? 'met' : 'NOT met'}`);
    console.log(`reproduce: npm run build && node tools/dist/bench/bench-bounds.js --rows ${rows} --runs ${runs}`);
    benchResult({
      figure: `peak RSS, unclosed quote at line 10 of ${rows} rows, sqlite`,
      value: Number(rss('unclosed').toFixed(1)),
      unit: 'MB',
      reference: Number(rss('clean').toFixed(1)),
      referenceLabel: 'MB clean file',
      ratio,
      target: `<= ${RSS_RATIO_TARGET}`,
      pass: met,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench-bounds: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
