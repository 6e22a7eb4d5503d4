import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ServerError, ServerErrorCode } from '../errors';
import { predictJsonValue, predictText } from '../lib/predict-value';
import { answersPrograms } from '../plugins/external/helmet';
import { ErrorBodySchema } from '../schemas/common';
import { PredictBatchResponse, PredictBatchResponseSchema, predictBatchBodySchema, predictGetSchema } from '../schemas/predict';

export interface PredictRoutesOptions {
  maxBatchJson: number;
}

const predictRoutes: FastifyPluginAsyncTypebox<PredictRoutesOptions> = async (app, opts) => {
  answersPrograms(app);
  const modelRef = { name: app.model.name, version: app.model.version };

  app.get('/predict', {
    schema: predictGetSchema,
    // `x=1&x=2` parses to an array; say so plainly instead of "must be string".
    preValidation: (request, _reply, done) => {
      const raw = (request.query as Record<string, unknown>).x;
      done(
        Array.isArray(raw)
          ? new ServerError(ServerErrorCode.REPEATED_PARAMETER, `x was given ${raw.length} times; give it exactly once`)
          : undefined,
      );
    },
    handler: async (request) => {
      const result = predictText(app.model, request.query.x);
      app.metrics.predictions.inc({ endpoint: 'json' });
      return { ...result, model: modelRef };
    },
  });

  app.post('/predict', {
    schema: {
      tags: ['predict'],
      summary: 'Predict many values',
      description: `Up to ${opts.maxBatchJson} values; each result is a prediction or, for a bad value, its index and the reason.`,
      body: predictBatchBodySchema(opts.maxBatchJson),
      response: { 200: PredictBatchResponseSchema, 400: ErrorBodySchema },
    },
    handler: async (request) => {
      const results: PredictBatchResponse['results'] = request.body.x.map((value, index) => {
        const outcome = predictJsonValue(app.model, value, `x[${index}]`);
        return typeof outcome === 'string' ? { index, error: outcome } : outcome;
      });
      const served = results.reduce((n, r) => ('prediction' in r ? n + 1 : n), 0);
      if (served > 0) app.metrics.predictions.inc({ endpoint: 'json_batch' }, served);
      return { results, model: modelRef };
    },
  });
};

export default predictRoutes;
