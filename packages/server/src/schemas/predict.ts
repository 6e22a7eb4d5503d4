import { Type, type Static } from '@sinclair/typebox';
import { ErrorBodySchema, ModelRefSchema } from './common';

export const PredictQuerySchema = Type.Object({
  x: Type.String({
    description: 'The feature value as a plain decimal (e.g. 2, 85.5, 1e3); no hex, NaN or Infinity; given once',
    examples: ['85.5'],
  }),
});
export type PredictQuery = Static<typeof PredictQuerySchema>;

export const PredictionSchema = Type.Object({
  x: Type.Number(),
  prediction: Type.Number(),
  extrapolated: Type.Boolean({ description: 'x lies outside the range the model was trained on' }),
});

export const PredictResponseSchema = Type.Object({
  x: Type.Number(),
  prediction: Type.Number(),
  extrapolated: Type.Boolean({ description: 'x lies outside the range the model was trained on' }),
  model: ModelRefSchema,
});
export type PredictResponse = Static<typeof PredictResponseSchema>;

export function predictBatchBodySchema(maxItems: number) {
  return Type.Object({
    // Items are unchecked here on purpose: a bad value is reported at its
    // position in the answer instead of failing the whole request.
    x: Type.Array(Type.Unknown(), { maxItems, description: `Up to ${maxItems} finite numbers` }),
  });
}
export type PredictBatchBody = Static<ReturnType<typeof predictBatchBodySchema>>;

export const BatchFailureSchema = Type.Object({
  index: Type.Integer({ description: 'Position of the value in the request' }),
  error: Type.String(),
});

export const PredictBatchResponseSchema = Type.Object({
  results: Type.Array(Type.Union([PredictionSchema, BatchFailureSchema])),
  model: ModelRefSchema,
});
export type PredictBatchResponse = Static<typeof PredictBatchResponseSchema>;

export const predictGetSchema = {
  tags: ['predict'],
  summary: 'Predict one value',
  querystring: PredictQuerySchema,
  response: { 200: PredictResponseSchema, 400: ErrorBodySchema },
};
