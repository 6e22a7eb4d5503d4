import cluster, { type Worker } from 'node:cluster';
import { hostname, availableParallelism } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { RateLimitLedger, answerLease, isLeaseRequest } from './lib/cluster-rate-limit';

/**
 * Several server processes on one port (`WEB_CONCURRENCY`, node:cluster):
 * a prediction is CPU-bound in one JavaScript thread, so a process per core
 * is what lets a replica use the cores it is given.
 *
 * The primary only supervises. It starts one worker first and the others
 * once that one listens (the first applies the schema migrations alone, and
 * a config or model error stops the start once instead of in every worker),
 * replaces a worker that dies, drains every worker on SIGTERM/SIGINT,
 * answers the workers' requests for cluster-wide metrics, and holds every
 * client's rate-limit budget, which it leases to the workers a few requests
 * at a time (lib/cluster-rate-limit.ts): a client gets its limit per
 * replica however many workers its connections reach.
 */

const METRICS_REQUEST = 'realxdeal:metrics-request';
const METRICS_RESPONSE = 'realxdeal:metrics-response';
const METRICS_TIMEOUT_MS = 5000;
/** A worker that dies sooner than this after its start is not restarted in a loop faster than once per this. */
const RESTART_BACKOFF_MS = 1000;

/**
 * V8's young generation grows to tens of MiB per semi-space under the
 * allocation churn of a large batch upload (millions of short-lived row
 * strings), which alone took a worker from 117 MB to 270 MB of RSS while
 * holding nothing. 4 MiB semi-spaces keep a worker near 160 MB with the
 * same throughput (measured with `npm run bench:upload`, docs/benchmarks.md).
 */
export const WORKER_SEMI_SPACE_FLAG = '--max-semi-space-size=4';

/** Node flags for a worker: the primary's own, plus the semi-space bound unless one was given (node flag or NODE_OPTIONS). */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
  return given ? [...execArgv] : [...execArgv, WORKER_SEMI_SPACE_FLAG];
}

/** Worker processes for a configured WEB_CONCURRENCY; unset means one per core this process may use. */
export function workerCount(configured: number | undefined): number {
  return configured ?? availableParallelism();
}

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  body?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

type Level = 'info' | 'warn' | 'error';
const LEVEL_NUMBERS: Record<Level, number> = { info: 30, warn: 40, error: 50 };
const THRESHOLDS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export interface PrimaryOptions {
  workers: number;
  /** LOG_LEVEL: the primary writes its few lines in the workers' pino JSON shape. */
  logLevel: string;
  /** After SIGTERM, workers still running after this long are killed. */
  shutdownGraceMs: number;
}

/** Runs this process as the cluster primary until every worker has stopped. */
export function runPrimary(options: PrimaryOptions): void {
  const threshold = THRESHOLDS[options.logLevel] ?? 30;
  const log = (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (LEVEL_NUMBERS[level] < threshold) return;
    process.stdout.write(
      `${JSON.stringify({ level: LEVEL_NUMBERS[level], time: Date.now(), pid: process.pid, hostname: hostname(), role: 'primary', ...fields, msg })}\n`,
    );
  };

  const aggregator = new AggregatorRegistry();
  const listening = new WeakSet<Worker>();
  let stopping = false;
  let exitCode = 0;
  let started = false;

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      listening.add(worker);
      if (!started && !stopping) {
        started = true;
        log('info', `server started with ${options.workers} workers`, { workers: options.workers });
        for (let i = 1; i < options.workers; i++) fork();
      }
    });
    return worker;
  };

  const ledger = new RateLimitLedger();
  cluster.on('message', (worker, message: unknown) => {
    if (isLeaseRequest(message)) {
      if (worker.isConnected()) worker.send(answerLease(ledger, message));
      return;
    }
    if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) return;
    const reply = (response: Omit<MetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...response });
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ body }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // SIGTERM kills a worker that was still starting (its drain handler
      // is not installed yet): that is a clean stop too.
      if (code !== 0 && !(code === null && signal === 'SIGTERM')) exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!listening.has(worker)) {
      // It never served: a bad config, model or port fails every worker
      // alike, so the start fails once, with the worker's own message.
      log('error', 'a worker failed before it listened; stopping', { worker: worker.process.pid, code, signal });
      stopping = true;
      exitCode = code || 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    log('warn', 'worker died; starting a replacement', { worker: worker.process.pid, code, signal });
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_BACKOFF_MS).unref();
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down: draining every worker', { signal });
    // Each worker finishes its in-flight requests (server.ts) and exits.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      log('error', 'workers did not stop in time; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownGraceMs + 5000).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  fork();
}

/**
 * In a worker: lets the primary read this worker's registry (prom-client's
 * own cluster protocol), and returns what /metrics should serve instead of
 * the worker's own registry: the sum over all workers, from the primary.
 */
export function clusterMetricsSource(registry: Registry): () => Promise<string> {
  // Constructing one installs prom-client's worker-side listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  const pending = new Map<number, { resolve(body: string): void; reject(error: Error): void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, METRICS_RESPONSE)) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.body !== undefined) waiter.resolve(message.body);
    else waiter.reject(new Error(`cluster metrics: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('cluster metrics: the primary did not answer in time'));
      }, METRICS_TIMEOUT_MS);
      pending.set(id, {
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}

export const isClusterWorker = (): boolean => cluster.isWorker;
