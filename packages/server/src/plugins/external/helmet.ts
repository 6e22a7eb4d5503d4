import Fastify, { type FastifyInstance } from 'fastify';
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

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `api`: the route answers programs (JSON, metrics text), never a page a
     * browser renders, and gets API_SECURITY_HEADERS instead of the page set.
     */
    securityHeaders?: 'api';
  }
}

/** Route config of a JSON/metrics route: see apiSecurityHeaders. */
export const API_ROUTE = { securityHeaders: 'api' } as const;

/** Marks every route a plugin registers from here on as an API route (a plugin of JSON endpoints). */
export function answersPrograms(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, ...API_ROUTE };
  });
}

/**
 * What an API response carries: the set the OWASP REST Security Cheat Sheet
 * ("Security Headers") lists for all API responses, HSTS as on pages.
 * Helmet's other headers (a CSP naming script and style sources, COOP,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options, …)
 * govern documents a browser renders; on a JSON answer they protect
 * nothing, and on GET /predict, half of whose bytes they were, they cost
 * about a fifth of the requests a process serves.
 */
export function apiSecurityHeaders(pageHeaders: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-security-policy': "frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
  const hsts = pageHeaders['strict-transport-security'];
  if (hsts !== undefined) headers['strict-transport-security'] = hsts;
  return headers;
}

/**
 * @fastify/helmet rebuilds helmet's middleware, CSP parsing included, on
 * every request: half the server's CPU on GET /predict. Nothing here varies
 * per request (no nonces), so the headers are computed once at start, by
 * @fastify/helmet itself, and one hook puts them on every reply, where a
 * route's own header (Swagger UI's CSP) still replaces them. Through the
 * reply, not the raw response: Node then writes all headers in one pass
 * instead of validating each on setHeader. Routes marked API_ROUTE get the
 * API set instead.
 */
export default fp(
  async (app) => {
    const pageHeaders = await helmetHeaders(HELMET_OPTIONS);
    const apiHeaders = apiSecurityHeaders(pageHeaders);
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(request.routeOptions.config.securityHeaders === 'api' ? apiHeaders : pageHeaders);
      done();
    });
  },
  { name: 'realxdeal-helmet' },
);
