import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';

export interface AccessLogOptions {
  /** ACCESS_LOG_SAMPLE: the share of successful requests that are candidates for a line (1 = all). */
  sample: number;
  /** ACCESS_LOG_MAX_PER_SECOND: successful-request lines per second per process; 0 = no cap. */
  maxPerSecond: number;
}

/**
 * One access-log line per request, written when the answer is sent, in
 * place of Fastify's two (`incoming request`, then `request completed`):
 * the one line carries what both did (request id, method, url, client,
 * status, time), and the logger was the largest per-request cost of a
 * prediction after the route itself.
 *
 * Failures (errors, 4xx and 5xx answers) are always logged. Successful
 * requests are logged at the ACCESS_LOG_SAMPLE rate, and at most
 * ACCESS_LOG_MAX_PER_SECOND of them a second: a quiet service logs every
 * request, a busy one writes a bounded volume (as journald rate-limits a
 * service) instead of a line per prediction, which cost a tenth of its
 * CPU and megabytes a second of log. Nothing goes unaccounted: each second
 * in which lines were held back ends with one line saying how many.
 * `/metrics` counts every request either way.
 */
export class AccessLogController extends LogController {
  private second = 0;
  private loggedThisSecond = 0;
  private notLogged = 0;
  private summary: { timer: NodeJS.Timeout; log: FastifyBaseLogger } | null = null;

  constructor(private readonly options: AccessLogOptions) {
    super();
  }

  override incomingRequest(): void {
    // Folded into the completion line.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (reply.statusCode < 400) {
      const sample = this.options.sample;
      if (sample < 1 && (sample === 0 || Math.random() >= sample)) return;
      if (this.options.maxPerSecond > 0 && !this.withinCap(request.server.log)) return;
    }
    reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  /** Writes the pending count now (at close: the timer would not run). */
  flush(): void {
    if (this.summary === null) return;
    clearTimeout(this.summary.timer);
    this.writeSummary();
  }

  private withinCap(log: FastifyBaseLogger): boolean {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.loggedThisSecond = 0;
    }
    if (this.loggedThisSecond < this.options.maxPerSecond) {
      this.loggedThisSecond++;
      return true;
    }
    this.notLogged++;
    if (this.summary === null) {
      // At the end of this second: one line for everything held back in it.
      const timer = setTimeout(() => this.writeSummary(), 1000 - (now % 1000));
      timer.unref();
      this.summary = { timer, log };
    }
    return false;
  }

  private writeSummary(): void {
    const summary = this.summary;
    if (summary === null) return;
    const notLogged = this.notLogged;
    this.summary = null;
    this.notLogged = 0;
    summary.log.info(
      { notLogged, maxPerSecond: this.options.maxPerSecond },
      `access log: ${notLogged} more successful requests this second not logged (ACCESS_LOG_MAX_PER_SECOND=${this.options.maxPerSecond})`,
    );
  }
}
