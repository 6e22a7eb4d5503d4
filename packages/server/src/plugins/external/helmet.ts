import Fastify from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Security headers with a CSP that allows only this origin: pages use no
 * inline script or style (charts are server-rendered SVG), so nothing needs
 * a nonce. `upgrade-insecure-requests` is left out on purpose: the server is
 * often reached over plain HTTP inside a cluster, where it breaks assets.
 * /docs widens this for Swagger UI only (see swagger.ts).
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'"],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
    },
  },
};

/**
 * The headers @fastify/helmet sets with `options`, read off one request to a
 * throwaway instance: what its hooks put on the raw response before the
 * handler runs.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  try {
    await probe.register(helmet, { ...options, global: true });
    probe.get('/', async (_request, reply) => reply.raw.getHeaders());
    const res = await probe.inject({ method: 'GET', url: '/' });
    const headers = res.json<Record<string, unknown>>();
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
  } finally {
    await probe.close();
  }
}

/**
 * @fastify/helmet rebuilds helmet's middleware, CSP parsing included, on
 * every request: half the server's CPU on GET /predict. Nothing here varies
 * per request (no nonces), so the headers are computed once at start, by
 * @fastify/helmet itself, and one hook puts them on every reply, where a
 * route's own header (Swagger UI's CSP) still replaces them. Through the
 * reply, not the raw response: Node then writes all headers in one pass
 * instead of validating each on setHeader.
 */
export default fp(
  async (app) => {
    const headers = await helmetHeaders(HELMET_OPTIONS);
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'realxdeal-helmet' },
);
