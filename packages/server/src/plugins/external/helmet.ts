import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

/**
 * Security headers with a CSP that allows only this origin: pages use no
 * inline script or style (charts are server-rendered SVG), so nothing needs
 * a nonce. `upgrade-insecure-requests` is left out on purpose: the server is
 * often reached over plain HTTP inside a cluster, where it breaks assets.
 * /docs widens this for Swagger UI only (see swagger.ts).
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
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
    });
  },
  { name: 'realxdeal-helmet' },
);
