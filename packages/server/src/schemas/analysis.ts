import { Type, type Static } from '@sinclair/typebox';
import { ErrorBodySchema, csvResponse, htmlResponse } from './common';

export const AnalysisQuerySchema = Type.Object({
  month: Type.Optional(Type.String({ description: 'YYYY-MM; default: the month holding the most postings', examples: ['2021-02'] })),
  drop: Type.Optional(Type.String({ description: 'Alert when change_pct is below this (percent); default -70' })),
  spike: Type.Optional(Type.String({ description: 'Alert when change_pct is above this (percent); default 200' })),
});
export type AnalysisQuery = Static<typeof AnalysisQuerySchema>;

const UNAVAILABLE =
  'The database is not configured or not reachable (SERVER_DATABASE_UNAVAILABLE), or it has postings but no ' +
  'stored answers (SERVER_ANSWERS_NOT_COMPUTED: run `npm -w loader run analyze`)';

export const analysisPageSchema = {
  tags: ['analysis'],
  summary: 'Dashboard: the five answers as charts and tables',
  description: 'Reads the answers the latest finished load stored; never scans the postings table.',
  querystring: AnalysisQuerySchema,
  response: {
    200: htmlResponse('The answers, or how to load data when the database is empty'),
    400: htmlResponse('A bad month or threshold'),
    503: htmlResponse(UNAVAILABLE),
  },
};

export function analysisCsvSchema(file: string, description: string) {
  return {
    tags: ['analysis'],
    summary: `Answer file ${file}`,
    description: `${description}. Byte-identical to the file the loader writes from the same stored answers.`,
    querystring: AnalysisQuerySchema,
    response: {
      200: csvResponse(`${file}, as the data contract specifies`),
      400: ErrorBodySchema,
      503: ErrorBodySchema,
    },
  };
}

const Nullable = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const Day = Type.String({ description: "UTC calendar day, 'YYYY-MM-DD'" });

const DailyChangeFields = {
  day: Day,
  postings: Type.Integer(),
  previous_day_postings: Type.Union([Type.Integer(), Type.Null()], { description: "NULL for the month's first day" }),
  change_pct: Nullable('100 * (postings - previous) / previous; null when previous is null or 0'),
};

/** The answers as JSON: the answer files' columns, numbers at full precision (the files round to 6 decimals). */
export const AnalysisJsonSchema = Type.Object(
  {
    month: Type.Union([Type.String(), Type.Null()], {
      description: "The month questions 3-5 cover, 'YYYY-MM'; null when there are no postings",
    }),
    months: Type.Array(Type.Object({ month: Type.String(), postings: Type.Integer() }), {
      description: 'Every month with postings, oldest first',
    }),
    thresholds: Type.Object({ drop: Type.Number(), spike: Type.Number() }, { description: 'The alert thresholds applied (percent)' }),
    computed_at: Type.Union([Type.String(), Type.Null()], { description: 'When the stored answers were computed (ISO 8601, UTC)' }),
    load_run_id: Type.Union([Type.Integer(), Type.Null()], { description: 'The load (load_runs.id) that stored them' }),
    q1: Type.Array(
      Type.Object({
        category: Type.String(),
        postings: Type.Integer({ description: 'postings with price > 0 and area > 0' }),
        avg_price_per_m2: Nullable('mean of price / area'),
        median_price_per_m2: Nullable('median of price / area'),
      }),
    ),
    q2: Type.Array(Type.Object({ category: Type.String(), online_postings: Type.Integer() })),
    q3: Type.Array(Type.Object({ day: Day, postings: Type.Integer() })),
    q4: Type.Array(Type.Object(DailyChangeFields)),
    q5: Type.Array(Type.Object({ ...DailyChangeFields, kind: Type.Union([Type.Literal('drop'), Type.Literal('spike')]) })),
    weekday: Type.Array(Type.Object({ weekday: Type.String(), days: Type.Integer(), mean_postings: Type.Number() }), {
      description: 'Mean daily postings per weekday, Monday first',
    }),
    weekday_pattern: Type.String({ description: 'The weekday pattern in one sentence' }),
  },
  { description: 'The five answers and the weekday pattern' },
);
export type AnalysisJson = Static<typeof AnalysisJsonSchema>;

export const analysisJsonSchema = {
  tags: ['analysis'],
  summary: 'The five answers and the weekday pattern as JSON',
  description: 'The same stored answers as /analysis and the answer files; numbers at full precision. ' + 'Never scans the postings table.',
  querystring: AnalysisQuerySchema,
  response: {
    200: AnalysisJsonSchema,
    400: ErrorBodySchema,
    503: ErrorBodySchema,
  },
};
