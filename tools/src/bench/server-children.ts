/**
 * Helpers shared by the server benchmarks (bench-server, bench-predict, bench-upload, load-test):
 * server children (start, pin, stop, kill), their memory from /proc and
 * autocannon's programmatic API. Statistics and reporting are in report.ts.
 *
 * Nothing here loads autocannon at import time: the server children run the
 * bench files too, and autocannon's modules would count in their RSS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { createInterface } from 'node:readline';

export const HOST = '127.0.0.1';
export const START_TIMEOUT_MS = 30_000;
export const STOP_TIMEOUT_MS = 30_000;

// --- Server children ---------------------------------------------------------

/** The first line a server child prints: where it listens and who it is. */
export interface Listening {
  port: number;
  pid: number;
}

export function announce(port: number): void {
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid } satisfies Listening)}\n`);
}

export const CORES = os.availableParallelism();
export const CAN_PIN = CORES >= 2 && spawnSync('taskset', ['-V']).status === 0;
const children = new Set<ChildProcess>();

export interface Server {
  child: ChildProcess;
  port: number;
  pid: number;
}

/** Pins this process (the load generator) to core 0 when the children go to the last core. */
export function pinSelf(): void {
  if (CAN_PIN) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

/**
 * Runs `node <script> --role <role> …extra` (pinned to the last core when
 * possible) and waits, at most START_TIMEOUT_MS, for its Listening line.
 */
export async function startChild(script: string, role: string, extra: string[] = []): Promise<Server> {
  const args = [script, '--role', role, ...extra];
  const child = CAN_PIN
    ? spawn('taskset', ['-c', String(CORES - 1), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    const [line] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`the ${role} server exited (${String(code)}) before listening`);
      }),
    ])) as [string];
    const { port, pid } = JSON.parse(line) as Listening;
    return { child, port, pid };
  } finally {
    clearTimeout(timer);
  }
}

export async function stopChild(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** /proc/<pid>/status: VmRSS (now) and VmHWM (the peak so far), in bytes. */
export function memoryBytes(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match === null) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/** memoryBytes in MiB (the unit these tables call MB). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const { rss, peak } = memoryBytes(pid);
  return { rssMb: rss / 2 ** 20, peakMb: peak / 2 ** 20 };
}

/** A port that was free a moment ago on HOST, for a child to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// --- Load generation and reporting ---------------------------------------------

/** The part of autocannon's programmatic API used here (it ships no types). */
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; pipelining: number },
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

export function cannon(url: string, connections: number, duration: number): Promise<AutocannonResult> {
  // Required here, not at the top: see the file comment.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as Autocannon;
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, pipelining: 1 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/** The i-th value: 1.00 … 240.99 m², two decimals, spread over the model's range. */
export function valueText(i: number): string {
  const cents = 100 + ((i * 7919) % 24000);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
