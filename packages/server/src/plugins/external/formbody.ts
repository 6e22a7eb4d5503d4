import fp from 'fastify-plugin';
import formbody from '@fastify/formbody';

/** The HTML forms post `application/x-www-form-urlencoded` so they work with JavaScript off. */
export default fp(
  async (app) => {
    await app.register(formbody, { bodyLimit: 16 * 1024 });
  },
  { name: 'realxdeal-formbody' },
);
