import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServerMetrics;
  }
}

/**
 * One Registry per app instance: the prom-client global registry would make
 * a second `buildApp` (every test) fail on duplicate metric names.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency (to the last byte sent), by route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly predictions = new Counter({
    name: 'predictions_total',
    help: 'Predictions served, by endpoint (json, json_batch, form, v2, csv).',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly batchRows = new Counter({
    name: 'batch_rows_total',
    help: 'Data rows of uploaded CSV files answered, by outcome (predicted or error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /**
   * What /metrics serves: this registry, or in a cluster worker the sum over
   * every worker, which server.ts installs (see cluster.ts).
   */
  text: () => Promise<string> = () => this.registry.metrics();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `database_up`: the latest background check, read at scrape time (no query of its own). */
  watchDatabase(status: () => string): void {
    new Gauge({
      name: 'database_up',
      help: 'Whether the latest background database check answered select 1 (1) or not (0, also when none is configured).',
      registers: [this.registry],
      collect() {
        this.set(status() === 'ok' ? 1 : 0);
      },
    });
  }
}

/** Requests that reached no route share one label, so a scan cannot explode cardinality. */
const UNMATCHED_ROUTE = 'unmatched';

export default fp(
  async (app) => {
    const metrics = new ServerMetrics();
    metrics.watchDatabase(() => app.database.status);
    app.decorate('metrics', metrics);
    // prom-client hashes a label object on every inc/observe; a request
    // records only a few distinct label sets (route templates x status
    // codes), so their bound children are kept and reused.
    const children = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();
    app.addHook('onResponse', (request, reply, done) => {
      const method = request.method;
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const status = reply.statusCode;
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (child === undefined) {
        const labels = { method, route, status_code: String(status) };
        child = { requests: metrics.requests.labels(labels), duration: metrics.duration.labels(labels) };
        children.set(key, child);
      }
      child.requests.inc();
      child.duration.observe(reply.elapsedTime / 1000);
      done();
    });
    app.addHook('onClose', async () => metrics.registry.clear());
  },
  { name: 'realxdeal-metrics', dependencies: ['realxdeal-database'] },
);
