import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { ServerError, ServerErrorCode } from '../../errors';

export interface RateLimitOptions {
  /** Requests per client IP per minute; 0 disables the limiter. */
  perMinute: number;
}

export default fp<RateLimitOptions>(
  async (app, opts) => {
    if (opts.perMinute <= 0) return;
    await app.register(rateLimit, {
      global: true,
      max: opts.perMinute,
      timeWindow: 60_000,
      // Thrown, so the shared error handler renders it like every other error.
      errorResponseBuilder: (_request, context) =>
        new ServerError(ServerErrorCode.RATE_LIMITED, `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`),
    });
  },
  { name: 'realxdeal-rate-limit' },
);
