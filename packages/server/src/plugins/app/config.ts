import fp from 'fastify-plugin';
import type { ServerConfig } from '../../config';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration this app was built with. */
    config: ServerConfig;
  }
}

export default fp<{ config: ServerConfig }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
  },
  { name: 'realxdeal-config' },
);
