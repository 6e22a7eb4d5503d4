import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { answersPrograms } from '../plugins/external/helmet';
import { HealthSchema, ReadinessSchema } from '../schemas/operations';

/** Probes and metrics are never rate limited: a throttled probe restarts a healthy pod. */
const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  answersPrograms(app);
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: HealthSchema } },
    config: { rateLimit: false },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the model is loaded, so predictions are served',
      description:
        'Always 200 once the app is up: every prediction route needs only the model. The database is reported ' +
        '(`checks.database`, the latest background check, at most a few seconds old) but does not decide readiness: ' +
        'a database outage must not take prediction pods out of the load balancer.',
      response: { 200: ReadinessSchema },
    },
    config: { rateLimit: false },
    handler: async () => ({ status: 'ready' as const, checks: { model: 'ok' as const, database: app.database.status } }),
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
