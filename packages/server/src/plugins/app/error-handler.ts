import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelError } from '@realxdeal/model';
import { ErrorBody, ServerError, ServerErrorCode, STATUS_BY_CODE, isServerError } from '../../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is a page: its errors render as HTML, not JSON. */
    html?: boolean;
  }
}

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

/** Maps anything thrown by a route, a hook or a plugin to one error shape. */
export function toHttpError(error: unknown): HttpError {
  if (isServerError(error)) return { statusCode: error.statusCode, code: error.code, message: error.message };
  if (error instanceof ModelError && error.code === 'MODEL_INVALID_INPUT') {
    return { statusCode: 400, code: ServerErrorCode.INVALID_X, message: error.message };
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as FrameworkError;
  if (Array.isArray(e.validation)) {
    const first = e.validation[0];
    if (first?.keyword === 'required' && first.params.missingProperty === 'x') {
      const hint = e.validationContext === 'body' ? 'send {"x": [2, 85.5]}' : 'e.g. ?x=2';
      return { statusCode: 400, code: ServerErrorCode.MISSING_X, message: `x is required, ${hint}` };
    }
    return { statusCode: 400, code: ServerErrorCode.VALIDATION, message: e.message };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return { statusCode: 415, code: ServerErrorCode.NOT_MULTIPART, message: 'expected a multipart/form-data upload with a CSV file' };
  }
  if (e.code === 'FST_REQ_FILE_TOO_LARGE') {
    return { statusCode: 413, code: ServerErrorCode.UPLOAD_TOO_LARGE, message: e.message };
  }
  const byStatus: Record<number, ServerErrorCode> = {
    404: ServerErrorCode.NOT_FOUND,
    413: ServerErrorCode.PAYLOAD_TOO_LARGE,
    415: ServerErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ServerErrorCode.RATE_LIMITED,
  };
  if (status >= 400 && status < 500) {
    return { statusCode: status, code: byStatus[status] ?? ServerErrorCode.VALIDATION, message: e.message };
  }
  return { statusCode: STATUS_BY_CODE[ServerErrorCode.INTERNAL], code: ServerErrorCode.INTERNAL, message: 'internal server error; the details are in the server log' };
}

export function wantsHtml(request: FastifyRequest): boolean {
  return request.routeOptions.config?.html === true;
}

/** Renders an error for a page route; the layout keeps navigation so the user can go on. */
export async function sendHtmlError(reply: FastifyReply, error: HttpError): Promise<FastifyReply> {
  const html = await reply.viewAsync('error.eta', { title: `Error ${error.statusCode}`, error });
  return reply.status(error.statusCode).type('text/html; charset=utf-8').send(html);
}

function isBrowserNavigation(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !request.url.startsWith('/v2') && !request.url.startsWith('/predict');
}

export default fp(
  async (app) => {
    app.setErrorHandler(async (error, request, reply) => {
      const http = toHttpError(error);
      if (http.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: http.code, message: http.message }, 'request rejected');
      if (wantsHtml(request) && !reply.sent) return sendHtmlError(reply, http);
      const body: ErrorBody = { error: http.code, message: http.message };
      return reply.status(http.statusCode).send(body);
    });

    app.setNotFoundHandler(async (request, reply) => {
      const message = `no route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`;
      if (request.url.startsWith('/v2')) return reply.status(404).send({ error: message });
      const http: HttpError = { statusCode: 404, code: ServerErrorCode.NOT_FOUND, message };
      if (isBrowserNavigation(request)) return sendHtmlError(reply, http);
      const body: ErrorBody = { error: http.code, message };
      return reply.status(404).send(body);
    });
  },
  { name: 'realxdeal-errors', dependencies: ['@fastify/view'] },
);

/** For routes that must answer an error themselves (e.g. after reading part of a stream). */
export function errorBody(error: ServerError): ErrorBody {
  return { error: error.code, message: error.message };
}
