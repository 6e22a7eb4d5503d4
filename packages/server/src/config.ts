import envSchema from 'env-schema';
import { DEFAULT_MODEL_PATH } from '@realxdeal/model';
import { ServerError, ServerErrorCode } from './errors';

/** The validated environment; read once at start (see `loadConfig`). */
export interface ServerConfig {
  PORT: number;
  HOST: string;
  DATABASE_URL?: string;
  MODEL_PATH: string;
  MAX_UPLOAD_BYTES: number;
  MAX_BATCH_JSON: number;
  RATE_LIMIT_PER_MINUTE: number;
  LOG_LEVEL: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A plain JSON schema (env-schema runs it through its own Ajv with type coercion). */
function configSchema() {
  return {
    type: 'object',
    required: ['PORT', 'HOST', 'MODEL_PATH', 'MAX_UPLOAD_BYTES', 'MAX_BATCH_JSON', 'RATE_LIMIT_PER_MINUTE', 'LOG_LEVEL'],
    properties: {
      PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
      HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
      // The loader owns the full parsing; this only catches an obvious typo early.
      DATABASE_URL: { type: 'string', pattern: '^(sqlite:|mysql://|mariadb://)' },
      MODEL_PATH: { type: 'string', minLength: 1, default: DEFAULT_MODEL_PATH },
      MAX_UPLOAD_BYTES: { type: 'integer', minimum: 1, default: 104857600 },
      MAX_BATCH_JSON: { type: 'integer', minimum: 1, maximum: 1000000, default: 10000 },
      RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 6000 },
      LOG_LEVEL: { type: 'string', enum: [...LOG_LEVELS], default: 'info' },
    },
  };
}

export const CONFIG_KEYS = Object.keys(configSchema().properties) as ReadonlyArray<keyof ServerConfig>;

/** Defaults for everything, as `loadConfig({})` would return them. */
export function defaultConfig(): ServerConfig {
  return loadConfig({});
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function describeIssue(issue: AjvIssue, env: Record<string, string | undefined>): string {
  const key = issue.instancePath.replace(/^\//, '') || String(issue.params.missingProperty ?? '');
  const got = env[key];
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
  switch (issue.keyword) {
    case 'type':
      return `${key} must be ${issue.params.type === 'integer' ? 'a whole number' : `a ${String(issue.params.type)}`}${shown}`;
    case 'minimum':
    case 'maximum':
      return `${key} must be ${issue.keyword === 'minimum' ? '>=' : '<='} ${String(issue.params.limit)}${shown}`;
    case 'enum':
      return `${key} must be one of ${LOG_LEVELS.join(', ')}${shown}`;
    case 'pattern':
      // Never echo DATABASE_URL: it may hold a password.
      return key === 'DATABASE_URL'
        ? 'DATABASE_URL must start with sqlite: or mysql:// (e.g. sqlite:data/realxdeal.sqlite)'
        : `${key} ${issue.message ?? 'is malformed'}${shown}`;
    default:
      return `${key} ${issue.message ?? 'is invalid'}${shown}`;
  }
}

/**
 * Validates `env` (normally `process.env`) and returns the typed config.
 * Empty strings count as unset so `PORT=` in a .env file means "default".
 * Throws a ServerError SERVER_CONFIG_INVALID listing every bad key at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const data: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') data[key] = value.trim();
  }
  try {
    return envSchema<ServerConfig>({ schema: configSchema(), data, env: false, dotenv: false });
  } catch (error) {
    const issues = (error as { errors?: AjvIssue[] }).errors;
    if (!Array.isArray(issues)) throw error;
    const lines = issues.map((issue) => describeIssue(issue, data));
    throw new ServerError(ServerErrorCode.CONFIG_INVALID, `invalid configuration: ${lines.join('; ')}`);
  }
}
