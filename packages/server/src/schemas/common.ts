import { Type, type Static } from '@sinclair/typebox';

/** The JSON error body of every route outside /v2. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, e.g. SERVER_INVALID_X' }),
    message: Type.String({ description: 'What was wrong, for a person' }),
  },
  { description: 'An error' },
);
export type ErrorBodyType = Static<typeof ErrorBodySchema>;

/** A server-rendered page; the schema only documents the media type. */
export function htmlResponse(description: string) {
  return { description, content: { 'text/html': { schema: Type.String() } } };
}

export function csvResponse(description: string) {
  return { description, content: { 'text/csv': { schema: Type.String() } } };
}

export const ModelRefSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
});
