import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isExtrapolated } from '@realxdeal/model';
import { isServerError } from '../errors';
import { formatBytes, formatNumber, formatReadable } from '../lib/format';
import { modelCard } from '../lib/model-card';
import { predictText } from '../lib/predict-value';
import { batchFormSchema, homeSchema, singleFormSchema, singlePostSchema } from '../schemas/pages';
import { modelJsonSchema } from '../schemas/model';
import { API_ROUTE } from '../plugins/external/helmet';

/** HTML pages that work with JavaScript off: plain links and form posts. */
const pageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const card = modelCard(app.model);
  const pageConfig = { html: true };

  app.get('/', {
    schema: homeSchema,
    config: pageConfig,
    handler: async (_request, reply) => reply.viewAsync('home.eta', { title: `${card.name} ${card.version}`, card }),
  });

  // The card's numbers come from this file: anyone can check them, or load it elsewhere.
  app.get('/model.json', {
    schema: modelJsonSchema,
    config: API_ROUTE,
    handler: async (_request, reply) =>
      reply
        .header('content-disposition', `inline; filename="${`${app.model.name}-${app.model.version}`.replace(/[^\w.-]/g, '_')}.json"`)
        .send(app.model),
  });

  app.get('/single_prediction', {
    schema: singleFormSchema,
    config: pageConfig,
    handler: async (_request, reply) =>
      reply.viewAsync('single-prediction.eta', { title: 'Single prediction', card, input: '', error: null, result: null }),
  });

  app.post('/single_prediction', {
    schema: singlePostSchema,
    config: pageConfig,
    // A bad form is answered by the form itself, not by the JSON error handler.
    attachValidation: true,
    handler: async (request, reply) => {
      const raw = request.body?.x;
      let input = typeof raw === 'string' ? raw : '';
      let error: string | null = null;
      let result = null;
      if (Array.isArray(raw)) {
        error = `x was given ${raw.length} times; give it exactly once`;
        input = raw[0] ?? '';
      } else if (raw === undefined) {
        error = 'x is required: type a number into the field';
      } else if (request.validationError) {
        error = `x ${request.validationError.message.replace(/^body\/x /, '')}`;
      } else {
        try {
          const p = predictText(app.model, raw);
          result = {
            x: formatNumber(p.x, 10),
            prediction: formatReadable(p.prediction),
            extrapolated: isExtrapolated(app.model, p.x),
          };
          app.metrics.predictions.inc({ endpoint: 'form' });
        } catch (e) {
          if (!isServerError(e)) throw e;
          error = e.message;
        }
      }
      const html = await reply.viewAsync('single-prediction.eta', { title: 'Single prediction', card, input, error, result });
      return reply
        .status(error === null ? 200 : 400)
        .type('text/html; charset=utf-8')
        .send(html);
    },
  });

  app.get('/batch_prediction', {
    schema: batchFormSchema,
    config: pageConfig,
    handler: async (_request, reply) =>
      reply.viewAsync('batch-prediction.eta', {
        title: 'Batch prediction',
        card,
        error: null,
        maxUpload: formatBytes(app.config.MAX_UPLOAD_BYTES),
      }),
  });
};

export default pageRoutes;
