export { buildApp, type BuildAppOptions } from './app';
export { startServer, type RunningServer } from './server';
export { loadConfig, defaultConfig, CONFIG_KEYS, type ServerConfig, type LogLevel } from './config';
export { ServerError, ServerErrorCode, isServerError, type ErrorBody } from './errors';
export { BatchPredictStream, detectLayout, type BatchLayout, type BatchCounts } from './lib/batch-predict';
export { parseDecimal } from './lib/decimal';
