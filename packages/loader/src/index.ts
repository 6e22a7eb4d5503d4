export { LoaderError, isLoaderError } from './errors';
export { unsupportedNodeMessage, MINIMUM_NODE_MAJOR, RECOMMENDED_NODE_MAJOR } from './supported-node';
export type { LoaderErrorCode } from './errors';
export { parseDatabaseUrl, redactUrl, DEFAULT_SQLITE_PATH } from './db/database-url';
export type { DatabaseTarget } from './db/database-url';
export { openDatabase } from './db/open-database';
export type { Database, Dialect } from './db/open-database';
export { migrate, migrateDown } from './db/migrate';
export { loadCsv } from './ingest/load-csv';
export type { LoadOptions, LoadSummary, LoadProgress } from './ingest/load-csv';
export { loadHistory, LOAD_HISTORY_DEFAULT_LIMIT, LOAD_HISTORY_MAX_LIMIT, LOAD_STALE_SECONDS } from './ingest/load-run-log';
export type { LoadRunRecord, LoadOutcome, LoadHistoryOptions } from './ingest/load-run-log';
export { REJECT_REASONS } from './ingest/reject-reasons';
export type { RejectReason } from './ingest/reject-reasons';
export { POSTING_COLUMNS } from './ingest/postings-header';
export { parseTimestamp, parseAmount, canonicalUuid } from './ingest/validate-posting';
export {
  generatePostings,
  generatePostingsText,
  postingsStream,
  writePostingsFile,
  CATEGORIES,
  CATEGORY_NAMES,
} from './generator/generate-postings';
export type { GenerateOptions, GenerationManifest } from './generator/generate-postings';
export { resolveDatabaseUrl, resolveUserPath } from './cli/cli-paths';
export { LOAD_USAGE } from './cli/load-command';
export { ANALYZE_USAGE } from './cli/analyze-command';
export { TRAIN_USAGE } from './cli/train-command';
export { MIGRATE_USAGE } from './cli/migrate-command';
