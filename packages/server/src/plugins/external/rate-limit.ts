import fp from 'fastify-plugin';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger, RouteOptions } from 'fastify';
import { ServerError, ServerErrorCode } from '../../errors';
import { LeasedRateLimitStore, type AskForLease } from '../../lib/cluster-rate-limit';

/** Routes whose requests cost far more than a prediction, with their own, tighter budget. */
export interface ExpensiveRoutes {
  method: 'GET' | 'POST';
  /** Every route whose URL starts with this shares one budget per client. */
  prefix: string;
  /** Requests per client IP per minute on these routes; 0 leaves them to the general limit. */
  perMinute: number;
}

export interface RateLimitOptions {
  /** Requests per client IP per minute; 0 disables the general limiter. */
  perMinute: number;
  expensive?: readonly ExpensiveRoutes[];
  /**
   * In a cluster worker: budgets are the primary's, leased to the workers
   * (lib/cluster-rate-limit.ts), so a client's limit is the same however
   * many workers its connections reach. Unset: this process's memory.
   */
  leases?: AskForLease;
}

/** @fastify/rate-limit options for budgets leased from the cluster primary. */
function sharedStore(leases: AskForLease, log: FastifyBaseLogger): { store: FastifyRateLimitStoreCtor; skipOnError: boolean } {
  // The plugin swallows a store error (skipOnError); say it here, or an
  // unlimited replica would look like a healthy one.
  const loggedLeases: AskForLease = (...args) =>
    leases(...args).catch((error: unknown) => {
      log.warn({ err: error }, 'rate limit not applied to a request: its budget could not be leased from the cluster primary');
      throw error;
    });
  return {
    store: class SharedStore extends LeasedRateLimitStore {
      constructor() {
        super(loggedLeases);
      }
    },
    // The primary not answering (it is busy or gone) lets requests through
    // rather than failing them: predictions stay up.
    skipOnError: true,
  };
}

/**
 * Counted per client IP (`request.ip`, so TRUST_PROXY decides what the
 * client is behind a proxy): in memory in a single process, or from the
 * primary's budgets in a cluster worker. An expensive route counts against
 * its own budget instead of the general one; its keys carry the group's
 * name, so one store can hold every budget.
 */
export default fp<RateLimitOptions>(
  async (app, opts) => {
    const expensive = (opts.expensive ?? []).filter((group) => group.perMinute > 0);
    if (opts.perMinute <= 0 && expensive.length === 0) return;
    const limiters = new Map<ExpensiveRoutes, ReturnType<typeof app.rateLimit>>();

    // Added before the plugin registers its own onRoute hook, so it runs
    // first and the plugin sees `rateLimit: false` on the routes taken over here.
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const group = expensive.find(
        (g) => route.url.startsWith(g.prefix) && (methods.includes(g.method) || (g.method === 'GET' && methods.includes('HEAD'))),
      );
      const config = route.config as { rateLimit?: unknown } | undefined;
      if (group === undefined || config?.rateLimit === false) return;
      const limiter = limiters.get(group);
      if (limiter === undefined) return;
      route.config = { ...config, rateLimit: false };
      route.onRequest = [
        ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]),
        limiter,
      ];
    });

    const shared = opts.leases === undefined ? {} : sharedStore(opts.leases, app.log);
    await app.register(rateLimit, {
      ...shared,
      global: opts.perMinute > 0,
      max: opts.perMinute,
      timeWindow: 60_000,
      // Thrown, so the shared error handler renders it like every other error.
      errorResponseBuilder: (_request, context) =>
        new ServerError(
          ServerErrorCode.RATE_LIMITED,
          `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
        ),
    });
    // One limiter (one store) per group: all of a group's routes share a client's budget.
    for (const group of expensive) {
      const name = `${group.method} ${group.prefix} `;
      limiters.set(group, app.rateLimit({ max: group.perMinute, timeWindow: 60_000, keyGenerator: (request) => name + request.ip }));
    }
  },
  { name: 'realxdeal-rate-limit' },
);
