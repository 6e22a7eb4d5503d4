import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access-log line per request, written when the answer is sent, in
 * place of Fastify's two (`incoming request`, then `request completed`):
 * the one line carries what both did (request id, method, url, client,
 * status, time), and the logger was the largest per-request cost of a
 * prediction after the route itself.
 *
 * `sample` (ACCESS_LOG_SAMPLE) below 1 logs successful requests (status
 * < 400) at that rate, so a busy replica can keep every failure without a
 * line per prediction. Errors and 4xx/5xx answers are always logged.
 */
export class AccessLogController extends LogController {
  private readonly sample: number;

  constructor(sample: number) {
    super();
    this.sample = sample;
  }

  override incomingRequest(): void {
    // Folded into the completion line.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    const sample = this.sample;
    if (reply.statusCode < 400 && sample < 1 && (sample === 0 || Math.random() >= sample)) return;
    reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
