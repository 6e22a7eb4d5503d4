#!/usr/bin/env node
// First: on an unsupported Node, one clear line instead of a native crash.
import 'loader/require-supported-node';
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { ModelError } from '@realxdeal/model';
import { loadModel } from '@realxdeal/model/node';
import { isLoaderError, migrate, openDatabase, resolveDatabaseUrl, type Database, LoaderErrorCode } from 'loader';
import { buildApp } from './app';
import { clusterMetricsSource, isClusterWorker, runPrimary, workerCount } from './cluster';
import { loadConfig, type ServerConfig } from './config';
import { isServerError } from './errors';
import { askPrimary } from './lib/cluster-rate-limit';
import { chooseLogFormat, listeningText, loggerOptions } from './log-format';

/** How often a database that was down at start is tried again. */
const DATABASE_RETRY_MS = 5000;
/** In-flight requests get this long after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 25_000;

export interface RunningServer {
  app: FastifyInstance;
  /** Stops accepting connections, finishes in-flight requests, closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts the server from an environment (normally `process.env`). Config,
 * model or database-URL problems reject with a one-line message; an
 * unreachable database does not: predictions do not need it; /readyz
 * reports it (still ready) until a background retry reaches it.
 */
export async function startServer(env: Record<string, string | undefined> = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const model = loadModel(config.MODEL_PATH);

  let database: Database | null = null;
  let unreachable: unknown = null;
  // Unset means the loader's embedded default, so `npm start` serves the
  // database it just loaded; relative sqlite paths mean the user's folder.
  const url = resolveDatabaseUrl(config.DATABASE_URL, env);
  {
    try {
      database = await openDatabase(url);
    } catch (error) {
      if (!isLoaderError(error) || error.code !== LoaderErrorCode.DATABASE_UNREACHABLE) throw error;
      unreachable = error;
    }
  }

  const logFormat = chooseLogFormat(process.stdout);
  const app = await buildApp({
    model,
    database,
    config,
    logger: loggerOptions(logFormat, config.LOG_LEVEL),
    rateLimitLeases: isClusterWorker() ? askPrimary() : undefined,
  });
  if (isClusterWorker()) app.metrics.text = clusterMetricsSource(app.metrics.registry);
  if (database !== null) await ensureSchema(database, app.log);

  // Listening comes first in the log: on a terminal, its line says where to open the app.
  await app.listen({ port: config.PORT, host: config.HOST, listenTextResolver: listeningText(logFormat) });
  app.log.info({ model: `${model.name}@${model.version}`, database: database?.description ?? null }, 'model loaded');
  if (unreachable !== null) {
    app.log.warn({ err: unreachable }, 'database unreachable at start; serving predictions, retrying in the background');
    const reconnect = async (): Promise<Database> => {
      const db = await openDatabase(url);
      await ensureSchema(db, app.log);
      return db;
    };
    app.database.retry(reconnect, DATABASE_RETRY_MS, app.log);
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // close() stops accepting, lets in-flight requests finish, then runs onClose hooks.
      await app.close();
      await app.database.current?.close();
    })();
    return stopping;
  };
  return { app, stop };
}

/**
 * Applies the loader's migrations (idempotent), so a fresh database shows
 * "no postings yet" on /analysis instead of failing on a missing table. A
 * database user without DDL rights is not fatal: the dashboard copes.
 */
async function ensureSchema(db: Database, log: FastifyInstance['log']): Promise<void> {
  try {
    await migrate(db);
  } catch (error) {
    log.warn({ err: error, database: db.description }, 'could not apply migrations; /analysis may show an empty database');
  }
}

/** One line for a person, not a stack trace, for the failures they can fix. */
function describeStartupError(error: unknown): string {
  if (error instanceof ModelError || isLoaderError(error) || isServerError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`realxdeal server failed to start: ${describeStartupError(error)}\n`);
    process.exit(1);
  }
  const workers = workerCount(config.WEB_CONCURRENCY);
  if (workers > 1 && cluster.isPrimary) {
    runPrimary({ workers, logLevel: config.LOG_LEVEL, shutdownGraceMs: SHUTDOWN_GRACE_MS });
    return;
  }
  let server: RunningServer;
  try {
    server = await startServer(process.env);
  } catch (error) {
    process.stderr.write(`realxdeal server failed to start: ${describeStartupError(error)}\n`);
    process.exit(1);
  }
  const shutdown = (signal: NodeJS.Signals): void => {
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      server.app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  void main();
}
