import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export interface SwaggerOptions {
  version: string;
}

/**
 * Swagger UI's bundle draws icons and fonts from `data:` URLs, which the
 * global CSP forbids; the widened policy is set only on /docs responses
 * (swagger-ui's own onSend hook, encapsulated to its routes).
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

export default fp<SwaggerOptions>(
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'realxdeal server',
          description:
            'Price model predictions (JSON, CSV and Open Inference Protocol v2), the postings analysis, and operations endpoints.',
          version: opts.version,
        },
        tags: [
          { name: 'predict', description: 'JSON prediction API' },
          { name: 'v2', description: 'Open Inference Protocol (KServe v2 REST)' },
          { name: 'pages', description: 'Server-rendered HTML pages' },
          { name: 'analysis', description: 'Answers to the five postings questions' },
          { name: 'loads', description: 'The load history: what was loaded, when, and how each load ended' },
          { name: 'operations', description: 'Health, readiness and metrics' },
        ],
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CSP,
      uiConfig: { deepLinking: false },
    });
  },
  { name: 'realxdeal-swagger' },
);
