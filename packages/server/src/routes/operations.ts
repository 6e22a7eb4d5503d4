import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema, ReadinessSchema } from '../schemas/operations';

/** Probes and metrics are never rate limited: a throttled probe restarts a healthy pod. */
const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: HealthSchema } },
    config: { rateLimit: false },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the model is loaded and the database answers `select 1`',
      response: { 200: ReadinessSchema, 503: ReadinessSchema },
    },
    config: { rateLimit: false },
    handler: async (request, reply) => {
      const database = await app.database.check();
      if (database.error !== undefined) request.log.warn({ err: database.error }, 'readiness: database unreachable');
      const ready = database.status === 'ok';
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not ready',
        checks: { model: 'ok', database: database.status },
      });
    },
  });

  app.get('/metrics', {
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics',
      response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
    config: { rateLimit: false },
    handler: async (_request, reply) => {
      const body = await app.metrics.text();
      return reply.type(app.metrics.registry.contentType).send(body);
    },
  });
};

export default operationsRoutes;
