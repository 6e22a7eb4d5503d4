import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
// Types only: schemas are built with @sinclair/typebox (CommonJS); the
// provider's runtime pulls in the ESM-only `typebox` 1.x, which jest on
// Node 22 (before 24.9) cannot load, and Fastify's own Ajv validates the schemas anyway.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ModelArtifact } from '@realxdeal/model';
import type { Database } from 'loader';
import { clientErrors } from './client-errors';
import { defaultConfig, type ServerConfig } from './config';
import helmet from './plugins/external/helmet';
import rateLimit from './plugins/external/rate-limit';
import formbody from './plugins/external/formbody';
import multipart from './plugins/external/multipart';
import view from './plugins/external/view';
import staticFiles from './plugins/external/static';
import swagger from './plugins/external/swagger';
import configPlugin from './plugins/app/config';
import modelPlugin from './plugins/app/model';
import databasePlugin from './plugins/app/database';
import metricsPlugin from './plugins/app/metrics';
import errorHandler from './plugins/app/error-handler';
import { AccessLogController } from './lib/access-log';
import type { AskForLease } from './lib/cluster-rate-limit';
import pageRoutes from './routes/pages';
import predictRoutes from './routes/predict';
import batchRoutes from './routes/batch';
import v2Routes from './routes/v2';
import operationsRoutes from './routes/operations';
import analysisRoutes from './routes/analysis';
import loadsRoutes from './routes/loads';
import { SERVER_NAME, SERVER_VERSION } from './version';

export interface BuildAppOptions {
  model: ModelArtifact;
  /** Borrowed: the caller closes it after `app.close()`. */
  database?: Database | null;
  /** Overrides on top of the defaults (tests); server.ts passes the loaded config. */
  config?: Partial<ServerConfig>;
  /** Fastify's pino options; false (the default) for tests. */
  logger?: boolean | object;
  /** In a cluster worker: rate-limit budgets leased from the primary (see cluster.ts). */
  rateLimitLeases?: AskForLease;
}

/** An incoming id is kept only if it cannot smuggle anything into a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const config: ServerConfig = { ...defaultConfig(), ...options.config };
  const logger: FastifyServerOptions['logger'] =
    options.logger === undefined || options.logger === false
      ? false
      : options.logger === true
        ? { level: config.LOG_LEVEL }
        : { level: config.LOG_LEVEL, ...options.logger };

  const connectionErrors = clientErrors();
  const accessLog = new AccessLogController({ sample: config.ACCESS_LOG_SAMPLE, maxPerSecond: config.ACCESS_LOG_MAX_PER_SECOND });
  const app = Fastify({
    logger,
    clientErrorHandler: connectionErrors.handler,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // JSON batches are bounded by count (MAX_BATCH_JSON); size the body
    // limit from that so the count, not the byte limit, is what a client meets.
    bodyLimit: Math.max(1024 * 1024, config.MAX_BATCH_JSON * 40),
    // A slow or endless upload is cut off: the socket after this long
    // without a byte, the request after this long in all (0 turns either off).
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Behind a proxy, request.ip (which the rate limits key on) is the
    // client's only if the proxy is trusted to set X-Forwarded-For.
    // Fastify's types omit the hop count that proxy-addr accepts; this is
    // proxy-addr's own rule for a number: trust the first n hops.
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    // No type coercion: `{"x": 2}` is not a list and `"2"` is not a number.
    // Query strings and forms are declared as strings, so they need none.
    ajv: { customOptions: { coerceTypes: false } },
    logController: accessLog,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Which socket has a response under way, so a client error on it closes
  // the socket instead of writing a second response into the first.
  app.addHook('onRequest', connectionErrors.track);

  // Once close() starts, answers to requests still in flight say
  // `Connection: close`, so keep-alive sockets do not hold shutdown open
  // until their idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => accessLog.flush());
  // Hooks on every request take a callback, not a promise: a prediction is
  // small enough that each hook's promise and microtask show in its cost.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // A streamed answer had its headers out before close() began; release its
  // socket as soon as it turns idle instead.
  app.addHook('onResponse', (_request, _reply, done) => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
    done();
  });

  // Third-party plugins first, then our decorators, then routes.
  await app.register(helmet);
  await app.register(rateLimit, {
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    leases: options.rateLimitLeases,
    expensive: [
      { method: 'POST', prefix: '/batch_prediction', perMinute: config.BATCH_RATE_LIMIT_PER_MINUTE },
      { method: 'GET', prefix: '/analysis', perMinute: config.ANALYSIS_RATE_LIMIT_PER_MINUTE },
    ],
  });
  await app.register(formbody);
  await app.register(multipart, { maxUploadBytes: config.MAX_UPLOAD_BYTES });
  await app.register(view);
  await app.register(staticFiles);
  await app.register(swagger, { version: SERVER_VERSION });

  await app.register(configPlugin, { config });
  await app.register(modelPlugin, { model: options.model });
  await app.register(databasePlugin, { database: options.database ?? null, configured: config.DATABASE_URL !== undefined });
  await app.register(metricsPlugin);
  await app.register(errorHandler);

  await app.register(pageRoutes);
  await app.register(predictRoutes, { maxBatchJson: config.MAX_BATCH_JSON });
  await app.register(batchRoutes);
  await app.register(v2Routes, { serverName: SERVER_NAME, serverVersion: SERVER_VERSION, maxElements: config.MAX_BATCH_JSON });
  await app.register(analysisRoutes);
  await app.register(loadsRoutes);
  await app.register(operationsRoutes);

  await app.ready();
  return app;
}
