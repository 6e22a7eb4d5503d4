import fp from 'fastify-plugin';
import view from '@fastify/view';
import { Eta } from 'eta';
import { VIEWS_DIR } from '../../paths';

/**
 * Eta with autoEscape on: `<%= %>` escapes, and the only raw output
 * (`<%~ %>`) is markup this server generated (the layout body, SVG charts).
 * Templates are cached; they only change with a deploy.
 */
export default fp(
  async (app) => {
    const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });
    await app.register(view, {
      engine: { eta },
      templates: VIEWS_DIR,
      layout: 'layout.eta',
      production: true,
      defaultContext: { title: 'realxdeal' },
    });
  },
  { name: 'realxdeal-view' },
);
