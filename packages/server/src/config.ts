import { isIP } from 'node:net';
import envSchema from 'env-schema';
import { DEFAULT_MODEL_PATH } from '@realxdeal/model/node';
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
  BATCH_RATE_LIMIT_PER_MINUTE: number;
  ANALYSIS_RATE_LIMIT_PER_MINUTE: number;
  MAX_BATCH_COLUMNS: number;
  MAX_BATCH_RECORD_BYTES: number;
  CONNECTION_TIMEOUT_MS: number;
  REQUEST_TIMEOUT_MS: number;
  TRUST_PROXY: TrustProxy;
  LOG_LEVEL: LogLevel;
  /** Fraction of successful requests (status < 400) that get an access-log line; failures always do. */
  ACCESS_LOG_SAMPLE: number;
  /** Successful-request access-log lines per second per process (a line a second says how many more there were); 0 = no cap. */
  ACCESS_LOG_MAX_PER_SECOND: number;
  /** Server processes (node:cluster workers); unset means one per available core. */
  WEB_CONCURRENCY?: number;
}

/**
 * Fastify's `trustProxy`: false (the socket's peer is the client), true
 * (the left-most X-Forwarded-For address is), a number of proxy hops to
 * trust, or the addresses / CIDR ranges of the trusted proxies.
 */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges, accepted in a TRUST_PROXY list. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const TRUST_PROXY_HELP =
  'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDR ranges (or loopback, linklocal, uniquelocal)';

/** Parses a TRUST_PROXY value; null when it is none of the accepted forms. */
export function parseTrustProxy(text: string): TrustProxy | null {
  const value = text.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (TRUST_PROXY_NAMES.includes(entry)) return true;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  return valid ? entries : null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A plain JSON schema (env-schema runs it through its own Ajv with type coercion). */
function configSchema() {
  return {
    type: 'object',
    required: [
      'PORT',
      'HOST',
      'MODEL_PATH',
      'MAX_UPLOAD_BYTES',
      'MAX_BATCH_JSON',
      'RATE_LIMIT_PER_MINUTE',
      'BATCH_RATE_LIMIT_PER_MINUTE',
      'ANALYSIS_RATE_LIMIT_PER_MINUTE',
      'MAX_BATCH_COLUMNS',
      'MAX_BATCH_RECORD_BYTES',
      'CONNECTION_TIMEOUT_MS',
      'REQUEST_TIMEOUT_MS',
      'TRUST_PROXY',
      'LOG_LEVEL',
      'ACCESS_LOG_SAMPLE',
      'ACCESS_LOG_MAX_PER_SECOND',
    ],
    properties: {
      PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
      HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
      // The loader owns the full parsing; this only catches an obvious typo early.
      DATABASE_URL: { type: 'string', pattern: '^(sqlite:|mysql://|mariadb://)' },
      MODEL_PATH: { type: 'string', minLength: 1, default: DEFAULT_MODEL_PATH },
      MAX_UPLOAD_BYTES: { type: 'integer', minimum: 1, default: 104857600 },
      MAX_BATCH_JSON: { type: 'integer', minimum: 1, maximum: 1000000, default: 10000 },
      RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 6000 },
      BATCH_RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 30 },
      ANALYSIS_RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 120 },
      MAX_BATCH_COLUMNS: { type: 'integer', minimum: 1, maximum: 100000, default: 1000 },
      // At least one whole number with its line ending; at most what one batch holds in memory.
      MAX_BATCH_RECORD_BYTES: { type: 'integer', minimum: 64, maximum: 16777216, default: 65536 },
      CONNECTION_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 60000 },
      REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 300000 },
      TRUST_PROXY: { type: 'string', minLength: 1, default: 'false' },
      LOG_LEVEL: { type: 'string', enum: [...LOG_LEVELS], default: 'info' },
      ACCESS_LOG_SAMPLE: { type: 'number', minimum: 0, maximum: 1, default: 1 },
      ACCESS_LOG_MAX_PER_SECOND: { type: 'integer', minimum: 0, default: 1000 },
      WEB_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 64 },
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
  const key =
    issue.instancePath.replace(/^\//, '') || (typeof issue.params.missingProperty === 'string' ? issue.params.missingProperty : '');
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
  let lines: string[] = [];
  let raw: RawConfig | null = null;
  try {
    raw = envSchema<RawConfig>({ schema: configSchema(), data, env: false, dotenv: false });
  } catch (error) {
    const issues = (error as { errors?: AjvIssue[] }).errors;
    if (!Array.isArray(issues)) throw error;
    lines = issues.map((issue) => describeIssue(issue, data));
  }
  const trustProxy = parseTrustProxy(data.TRUST_PROXY ?? 'false');
  if (trustProxy === null) lines.push(`${TRUST_PROXY_HELP} (got ${JSON.stringify(data.TRUST_PROXY)})`);
  if (raw === null || trustProxy === null) {
    throw new ServerError(ServerErrorCode.CONFIG_INVALID, `invalid configuration: ${lines.join('; ')}`);
  }
  return { ...raw, TRUST_PROXY: trustProxy };
}

/** What the schema yields, before TRUST_PROXY is parsed. */
type RawConfig = Omit<ServerConfig, 'TRUST_PROXY'> & { TRUST_PROXY: string };
