import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { PUBLIC_DIR } from '../../paths';

export default fp(
  async (app) => {
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/public/',
      // Keep sendFile free for other plugins; pages only link to these files.
      decorateReply: false,
      maxAge: '1h',
      schemaHide: true,
    });
  },
  { name: 'realxdeal-static' },
);
