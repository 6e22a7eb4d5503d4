/**
 * What every benchmark shares: its statistics (median, percentile), the
 * `BENCH_RESULT {json}` line that `npm run bench` (bench-all.ts) collects,
 * a text table and a timestamped log line.
 */

/** A `[name hh:mm:ss] message` line on stderr. */
export function makeLog(name: string): (message: string) => void {
  return (message) => process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A `--name N` flag: a positive whole number, or `fallback` when absent. */
export function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return value;
}

/** One headline figure for `npm run bench`'s summary table. */
export function benchResult(result: Record<string, string | number | boolean | undefined>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0…100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A markdown table; the first row is the header. */
export function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
