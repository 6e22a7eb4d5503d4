import { pipeline, type Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ServerError, ServerErrorCode, isServerError } from '../errors';
import { BatchPredictStream } from '../lib/batch/BatchPredictStream';
import { formatBytes } from '../lib/format';
import { modelCard } from '../lib/model-card';
import { sendError, type ErrorPage } from '../plugins/app/error-handler';
import { MULTIPART_OVERHEAD_BYTES } from '../plugins/external/multipart';
import { batchPostSchema } from '../schemas/pages';

/** A browser posting the form gets the form back with the message; API clients get JSON. */
function prefersHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** `area.csv` → `area-predictions.csv`, with nothing a header could be split on. */
function downloadName(uploaded: string | undefined): string {
  const base = (uploaded ?? '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 80);
  return `${base === '' || base === '_' ? 'batch' : base}-predictions.csv`;
}

/**
 * Reads and discards what is left of a request we answered early, so the
 * browser sees the answer instead of a reset connection; a body far past
 * the declared limit is cut off instead.
 */
function drain(raw: IncomingMessage, maxBytes: number): void {
  let seen = 0;
  raw.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) raw.destroy();
  });
  raw.resume();
}

const batchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const maxBytes = app.config.MAX_UPLOAD_BYTES;
  const card = modelCard(app.model);

  /** A browser's upload is answered by the form page, showing the message; anything else gets JSON. */
  async function fail(request: FastifyRequest, reply: FastifyReply, error: unknown): Promise<FastifyReply> {
    const formPage: ErrorPage = (http) =>
      reply.viewAsync('batch-prediction.eta', { title: 'Batch prediction', card, error: http.message, maxUpload: formatBytes(maxBytes) });
    return sendError(request, reply, error, prefersHtml(request) ? { page: formPage } : {});
  }

  app.post('/batch_prediction', {
    schema: batchPostSchema,
    handler: async (request, reply) => {
      // A declared size over the limit is refused before a byte is read;
      // only then can the answer still be a real 413.
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
        reply.header('connection', 'close');
        return fail(request, reply, tooLarge(maxBytes));
      }

      let part;
      try {
        part = await request.file();
      } catch (error) {
        return fail(request, reply, unreadableUpload(error));
      }
      if (part === undefined) {
        return fail(
          request,
          reply,
          new ServerError(ServerErrorCode.NO_FILE, 'no file was uploaded; send multipart/form-data with one CSV file (field name "file")'),
        );
      }

      const file = part.file;
      const predictor = new BatchPredictStream({
        model: app.model,
        isTruncated: () => file.truncated,
        maxBytes,
        maxColumns: app.config.MAX_BATCH_COLUMNS,
        maxRecordBytes: app.config.MAX_BATCH_RECORD_BYTES,
      });
      pipeline(file, predictor, (error) => {
        if (error && reply.sent) request.log.warn({ err: error }, 'batch stream ended early');
      });
      try {
        await predictor.ready;
      } catch (error) {
        // The rest of the upload is still arriving; read it so the browser can show the answer.
        drain(request.raw, maxBytes + MULTIPART_OVERHEAD_BYTES);
        return fail(request, reply, error);
      }

      predictor.once('close', () => {
        const { predicted, failed } = predictor.counts;
        app.metrics.batchRows.inc({ outcome: 'predicted' }, predicted);
        app.metrics.batchRows.inc({ outcome: 'error' }, failed);
        app.metrics.predictions.inc({ endpoint: 'csv' }, predicted);
        request.log.info({ rows: predictor.counts.rows, predicted, failed, truncated: file.truncated }, 'batch served');
      });
      return sendCsv(reply, predictor, downloadName(part.filename));
    },
  });
};

/**
 * Streams are not describable by the route's response schema types, so the
 * CSV goes out through the untyped reply interface.
 */
function sendCsv(reply: FastifyReply, body: Readable, filename: string): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}

/**
 * `request.file()` fails with the multipart parser's own plain Error (no
 * status) when the body is not well-formed multipart: "Unexpected end of
 * multipart data", "Multipart: Boundary not found", a malformed part
 * header. That is the client's upload, a 400, not a 500. Errors that carry
 * a status (size and part limits, a non-multipart type) keep their mapping.
 */
function unreadableUpload(error: unknown): unknown {
  if (isServerError(error) || typeof (error as { statusCode?: unknown } | null)?.statusCode === 'number') return error;
  const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '').slice(0, 200) : String(error).slice(0, 200);
  return new ServerError(
    ServerErrorCode.NO_FILE,
    `the upload could not be read as multipart/form-data (${detail}); send one CSV file as multipart/form-data (field name "file")`,
    { cause: error },
  );
}

function tooLarge(maxBytes: number): ServerError {
  return new ServerError(
    ServerErrorCode.UPLOAD_TOO_LARGE,
    `the upload is larger than the ${formatBytes(maxBytes)} limit (MAX_UPLOAD_BYTES); split the file or raise the limit`,
  );
}

export default batchRoutes;
