import fp from 'fastify-plugin';
import type { ModelArtifact } from '@realxdeal/model';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated model artifact; loaded before the app is built, never swapped. */
    model: ModelArtifact;
  }
}

export interface ModelPluginOptions {
  model: ModelArtifact;
}

export default fp<ModelPluginOptions>(
  async (app, opts) => {
    app.decorate('model', opts.model);
  },
  { name: 'realxdeal-model' },
);
