import { Type, type Static } from '@sinclair/typebox';
import { ErrorBodySchema, csvResponse, htmlResponse } from './common';

export const SinglePredictionFormSchema = Type.Object({
  // A repeated field arrives as an array; accepted here so the page can say so.
  x: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String())])),
});
export type SinglePredictionForm = Static<typeof SinglePredictionFormSchema>;

export const homeSchema = {
  tags: ['pages'],
  summary: 'Model card',
  response: { 200: htmlResponse('What the model predicts, its coefficients, metrics and valid range') },
};

export const singleFormSchema = {
  tags: ['pages'],
  summary: 'Single prediction form',
  response: { 200: htmlResponse('The form') },
};

export const singlePostSchema = {
  tags: ['pages'],
  summary: 'Single prediction result (form post)',
  consumes: ['application/x-www-form-urlencoded'],
  body: SinglePredictionFormSchema,
  response: {
    200: htmlResponse('The prediction, with a warning when x is outside the training range'),
    400: htmlResponse('The form again, saying what was wrong'),
  },
};

export const batchFormSchema = {
  tags: ['pages'],
  summary: 'Batch prediction upload form',
  response: { 200: htmlResponse('The upload form') },
};

export const batchPostSchema = {
  tags: ['predict'],
  summary: 'Predict every row of an uploaded CSV',
  description:
    'multipart/form-data with one file. The file has a header naming the feature (`x` or the model feature name; other columns pass through), or is one column of numbers without a header. The answer is the same rows with `prediction` and `error` appended, streamed as it is computed.',
  consumes: ['multipart/form-data'],
  response: {
    200: csvResponse('The input rows with prediction and error columns'),
    400: ErrorBodySchema,
    413: ErrorBodySchema,
    415: ErrorBodySchema,
  },
};
