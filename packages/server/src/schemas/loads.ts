import { Type, type Static } from '@sinclair/typebox';
import { LOAD_HISTORY_DEFAULT_LIMIT, LOAD_HISTORY_MAX_LIMIT } from 'loader';
import { ErrorBodySchema, htmlResponse } from './common';

export const LoadsQuerySchema = Type.Object({
  // A string: query parameters are not coerced (app.ts); the route parses it and names what is wrong.
  limit: Type.Optional(
    Type.String({
      maxLength: 20,
      description: `How many of the newest loads to list: a whole number from 1 to ${LOAD_HISTORY_MAX_LIMIT} (default ${LOAD_HISTORY_DEFAULT_LIMIT})`,
      examples: ['20'],
    }),
  ),
});
export type LoadsQuery = Static<typeof LoadsQuerySchema>;

const Count = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const UtcTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$', description: 'UTC, YYYY-MM-DD HH:MM:SS' });

export const LoadRunSchema = Type.Object({
  id: Type.Integer({ description: 'load_runs.id' }),
  file: Type.String({ description: 'The input as the loader was given it' }),
  startedAt: UtcTime,
  finishedAt: Type.Union([UtcTime, Type.Null()], { description: 'null while running, and for a run that never finished' }),
  seconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'Duration in whole seconds; null until the run ends' }),
  outcome: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('failed'), Type.Literal('interrupted')], {
    description: 'interrupted: still marked running, but its process is gone or it has shown no sign of life for 15 minutes',
  }),
  message: Type.Union([Type.String(), Type.Null()], { description: 'Why it failed or is interrupted' }),
  rowsRead: Count,
  rowsLoaded: Count,
  rowsReplaced: Count,
  rowsRejected: Count,
  rejectedByReason: Type.Union([Type.Record(Type.String(), Type.Integer({ minimum: 0 })), Type.Null()], {
    description: 'Rejected rows per reason code of the data contract (only reasons that occurred); null if not recorded',
  }),
});

export const LoadsBodySchema = Type.Object({
  limit: Type.Integer({ description: 'The limit applied' }),
  loads: Type.Array(LoadRunSchema, { description: 'Newest first' }),
});
export type LoadsBody = Static<typeof LoadsBodySchema>;

export const loadsPageSchema = {
  tags: ['loads'],
  summary: 'Load history: the newest loads and how each ended',
  querystring: LoadsQuerySchema,
  response: {
    200: htmlResponse('The loads, newest first'),
    400: htmlResponse('A bad limit'),
    503: htmlResponse('The database is not configured or not reachable'),
  },
};

export const loadsJsonSchema = {
  tags: ['loads'],
  summary: 'Load history as JSON',
  querystring: LoadsQuerySchema,
  response: {
    200: LoadsBodySchema,
    400: ErrorBodySchema,
    503: ErrorBodySchema,
  },
};
