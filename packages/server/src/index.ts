export { buildApp, type BuildAppOptions } from './app';
export { startServer, type RunningServer } from './server';
export { loadConfig, defaultConfig, parseTrustProxy, CONFIG_KEYS, type ServerConfig, type LogLevel, type TrustProxy } from './config';
export { ServerError, ServerErrorCode, isServerError, type ErrorBody } from './errors';
export { BatchPredictStream, type BatchCounts } from './lib/batch/BatchPredictStream';
export { detectLayout, type BatchLayout } from './lib/batch/layout';
export { parseDecimal } from './lib/decimal';
export { WORKER_SEMI_SPACE_FLAG, workerExecArgv } from './cluster';
