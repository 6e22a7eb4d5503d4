import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelErrorCode, isModelError } from '@realxdeal/model';
import { AnalysisErrorCode, isAnalysisError, type AnalysisError, type AnalysisErrorField } from 'analysis';
import { ErrorBody, ServerError, ServerErrorCode, isServerError } from '../../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is a page: its errors render as HTML, not JSON. */
    html?: boolean;
  }
}

/**
 * The one table from an error code to its HTTP status. Routes throw (or hand
 * sendError) coded errors; only this file turns a code into a status.
 */
export const HTTP_STATUS: Readonly<Record<ServerErrorCode, number>> = {
  [ServerErrorCode.CONFIG_INVALID]: 500,
  [ServerErrorCode.MISSING_X]: 400,
  [ServerErrorCode.INVALID_X]: 400,
  [ServerErrorCode.REPEATED_PARAMETER]: 400,
  [ServerErrorCode.VALIDATION]: 400,
  [ServerErrorCode.NOT_MULTIPART]: 415,
  [ServerErrorCode.NO_FILE]: 400,
  [ServerErrorCode.EMPTY_FILE]: 400,
  [ServerErrorCode.NO_USABLE_COLUMN]: 400,
  [ServerErrorCode.UPLOAD_TOO_LARGE]: 413,
  [ServerErrorCode.TOO_MANY_COLUMNS]: 400,
  [ServerErrorCode.RECORD_TOO_LONG]: 400,
  [ServerErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ServerErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ServerErrorCode.MODEL_NOT_FOUND]: 404,
  [ServerErrorCode.BAD_INFER_REQUEST]: 400,
  [ServerErrorCode.NOT_FOUND]: 404,
  [ServerErrorCode.RATE_LIMITED]: 429,
  [ServerErrorCode.DATABASE_UNAVAILABLE]: 503,
  [ServerErrorCode.ANSWERS_NOT_COMPUTED]: 503,
  [ServerErrorCode.INTERNAL]: 500,
};

/**
 * The libraries' codes a route lets through, as the server code a client
 * sees. Any other library code is a bug here (500): e.g. an analysis error
 * about an unsupported database.
 */
const LIBRARY_CODES: Readonly<Partial<Record<ModelErrorCode | AnalysisErrorCode, ServerErrorCode>>> = {
  [ModelErrorCode.INVALID_INPUT]: ServerErrorCode.INVALID_X,
  [AnalysisErrorCode.BAD_MONTH]: ServerErrorCode.VALIDATION,
  [AnalysisErrorCode.BAD_THRESHOLD]: ServerErrorCode.VALIDATION,
};

/** The analysis options as the HTTP API names them (the /analysis query parameters). */
const ANALYSIS_QUERY_NAMES: Readonly<Record<AnalysisErrorField, string>> = {
  month: 'month',
  dropThreshold: 'drop',
  spikeThreshold: 'spike',
};

export interface HttpError {
  statusCode: number;
  code: ServerErrorCode;
  /** Safe to show: 5xx details are logged, never sent. */
  message: string;
}

interface ValidationIssue {
  keyword: string;
  params: Record<string, unknown>;
}

interface FrameworkError {
  statusCode?: number;
  code?: string;
  message: string;
  validation?: ValidationIssue[];
  validationContext?: string;
}

function httpError(code: ServerErrorCode, message: string): HttpError {
  return { statusCode: HTTP_STATUS[code], code, message };
}

/** An analysis option error restated with the query parameter's name. */
function restated(error: AnalysisError): string {
  return error.field !== undefined && error.reason !== undefined ? `${ANALYSIS_QUERY_NAMES[error.field]} ${error.reason}` : error.message;
}

/** Maps anything thrown by a route, a hook or a plugin to one error shape. */
export function toHttpError(error: unknown): HttpError {
  if (isServerError(error)) return httpError(error.code, error.message);
  if (isModelError(error) || isAnalysisError(error)) {
    const code = LIBRARY_CODES[error.code];
    if (code !== undefined) return httpError(code, isAnalysisError(error) ? restated(error) : error.message);
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as FrameworkError;
  if (Array.isArray(e.validation)) {
    const first = e.validation[0];
    if (first?.keyword === 'required' && first.params.missingProperty === 'x') {
      const hint = e.validationContext === 'body' ? 'send {"x": [2, 85.5]}' : 'e.g. ?x=2';
      return httpError(ServerErrorCode.MISSING_X, `x is required, ${hint}`);
    }
    return httpError(ServerErrorCode.VALIDATION, e.message);
  }
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return httpError(ServerErrorCode.NOT_MULTIPART, 'expected a multipart/form-data upload with a CSV file');
  }
  if (e.code === 'FST_REQ_FILE_TOO_LARGE') return httpError(ServerErrorCode.UPLOAD_TOO_LARGE, e.message);
  // Fastify's and its plugins' own 4xx errors carry a status, not our code.
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  const byStatus: Record<number, ServerErrorCode> = {
    404: ServerErrorCode.NOT_FOUND,
    413: ServerErrorCode.PAYLOAD_TOO_LARGE,
    415: ServerErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ServerErrorCode.RATE_LIMITED,
  };
  if (status >= 400 && status < 500) {
    return { statusCode: status, code: byStatus[status] ?? ServerErrorCode.VALIDATION, message: e.message };
  }
  return httpError(ServerErrorCode.INTERNAL, 'internal server error; the details are in the server log');
}

/** The JSON error body of every non-v2 route: built here and nowhere else. */
export function errorBody(error: HttpError): ErrorBody {
  return { error: error.code, message: error.message };
}

/** The Open Inference Protocol's (KServe v2) error body: the message alone. */
export function v2ErrorBody(error: HttpError): { error: string } {
  return { error: error.message };
}

export interface SendErrorOptions {
  /** The page to answer with (a form showing the message), instead of JSON. */
  page?: ErrorPage;
  /** `v2`: the KServe v2 body instead of errorBody. */
  protocol?: 'v2';
}

export function wantsHtml(request: FastifyRequest): boolean {
  return request.routeOptions.config?.html === true;
}

/** A page that shows an error: the HTML to send with the error's status. */
export type ErrorPage = (error: HttpError) => Promise<string>;

/** The generic error page; the layout keeps navigation so the user can go on. */
export function genericErrorPage(reply: FastifyReply): ErrorPage {
  return (error) => reply.viewAsync('error.eta', { title: `Error ${error.statusCode}`, error });
}

/**
 * Answers an error: maps it (toHttpError), logs it (5xx with the cause, the
 * rest as a one-line rejection) and sends it as `page` when given, as the
 * generic error page on a page route, or else as the JSON body. Every
 * route's errors end here, through the error handlers or directly.
 */
export async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  options: SendErrorOptions = {},
): Promise<FastifyReply> {
  const http = toHttpError(error);
  if (http.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: http.code, message: http.message }, 'request rejected');
  const render = options.page ?? (wantsHtml(request) ? genericErrorPage(reply) : undefined);
  if (render !== undefined && !reply.sent) {
    return reply
      .status(http.statusCode)
      .type('text/html; charset=utf-8')
      .send(await render(http));
  }
  return reply.status(http.statusCode).send(options.protocol === 'v2' ? v2ErrorBody(http) : errorBody(http));
}

function isBrowserNavigation(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !request.url.startsWith('/v2') && !request.url.startsWith('/predict');
}

export default fp(
  async (app) => {
    app.setErrorHandler(async (error, request, reply) => sendError(request, reply, error));

    app.setNotFoundHandler(async (request, reply) => {
      const error = new ServerError(
        ServerErrorCode.NOT_FOUND,
        `no route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`,
      );
      if (request.url.startsWith('/v2')) return sendError(request, reply, error, { protocol: 'v2' });
      return sendError(request, reply, error, isBrowserNavigation(request) ? { page: genericErrorPage(reply) } : {});
    });
  },
  { name: 'realxdeal-errors', dependencies: ['@fastify/view'] },
);
