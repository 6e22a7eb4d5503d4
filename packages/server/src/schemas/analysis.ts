import { Type, type Static } from '@sinclair/typebox';
import { ErrorBodySchema, csvResponse, htmlResponse } from './common';

export const AnalysisQuerySchema = Type.Object({
  month: Type.Optional(Type.String({ description: 'YYYY-MM; default: the month holding the most postings', examples: ['2021-02'] })),
  drop: Type.Optional(Type.String({ description: 'Alert when change_pct is below this (percent); default -70' })),
  spike: Type.Optional(Type.String({ description: 'Alert when change_pct is above this (percent); default 200' })),
});
export type AnalysisQuery = Static<typeof AnalysisQuerySchema>;

export const analysisPageSchema = {
  tags: ['analysis'],
  summary: 'Dashboard: the five answers as charts and tables',
  querystring: AnalysisQuerySchema,
  response: {
    200: htmlResponse('The answers, or how to load data when the database is empty'),
    400: htmlResponse('A bad month or threshold'),
    503: htmlResponse('The database is not configured or not reachable'),
  },
};

export function analysisCsvSchema(file: string, description: string) {
  return {
    tags: ['analysis'],
    summary: `Answer file ${file}`,
    description,
    querystring: AnalysisQuerySchema,
    response: {
      200: csvResponse(`${file}, as the data contract specifies`),
      400: ErrorBodySchema,
      503: ErrorBodySchema,
    },
  };
}
