import { DEFAULT_MODEL_PATH } from '@realxdeal/model/node';
import { ServerErrorCode, loadConfig } from 'server';

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      HOST: '0.0.0.0',
      MODEL_PATH: DEFAULT_MODEL_PATH,
      MAX_UPLOAD_BYTES: 104857600,
      MAX_BATCH_JSON: 10000,
      RATE_LIMIT_PER_MINUTE: 6000,
      BATCH_RATE_LIMIT_PER_MINUTE: 30,
      ANALYSIS_RATE_LIMIT_PER_MINUTE: 120,
      MAX_BATCH_COLUMNS: 1000,
      MAX_BATCH_RECORD_BYTES: 65536,
      CONNECTION_TIMEOUT_MS: 60000,
      REQUEST_TIMEOUT_MS: 300000,
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      ACCESS_LOG_SAMPLE: 1,
      ACCESS_LOG_MAX_PER_SECOND: 1000,
    });
  });

  it('reads and coerces the values it knows and ignores the rest', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite:data/x.sqlite',
      MODEL_PATH: '/models/m.json',
      MAX_UPLOAD_BYTES: '1000',
      MAX_BATCH_JSON: '50',
      RATE_LIMIT_PER_MINUTE: '0',
      BATCH_RATE_LIMIT_PER_MINUTE: '5',
      ANALYSIS_RATE_LIMIT_PER_MINUTE: '0',
      MAX_BATCH_COLUMNS: '20',
      MAX_BATCH_RECORD_BYTES: '4096',
      CONNECTION_TIMEOUT_MS: '0',
      REQUEST_TIMEOUT_MS: '1000',
      TRUST_PROXY: '2',
      LOG_LEVEL: 'debug',
      ACCESS_LOG_SAMPLE: '0.25',
      ACCESS_LOG_MAX_PER_SECOND: '0',
      WEB_CONCURRENCY: '3',
      HOME: '/root',
    });
    expect(config).toEqual({
      PORT: 8080,
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite:data/x.sqlite',
      MODEL_PATH: '/models/m.json',
      MAX_UPLOAD_BYTES: 1000,
      MAX_BATCH_JSON: 50,
      RATE_LIMIT_PER_MINUTE: 0,
      BATCH_RATE_LIMIT_PER_MINUTE: 5,
      ANALYSIS_RATE_LIMIT_PER_MINUTE: 0,
      MAX_BATCH_COLUMNS: 20,
      MAX_BATCH_RECORD_BYTES: 4096,
      CONNECTION_TIMEOUT_MS: 0,
      REQUEST_TIMEOUT_MS: 1000,
      TRUST_PROXY: 2,
      LOG_LEVEL: 'debug',
      ACCESS_LOG_SAMPLE: 0.25,
      ACCESS_LOG_MAX_PER_SECOND: 0,
      WEB_CONCURRENCY: 3,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' })).toMatchObject({ PORT: 3000 });
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number \(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT must be <= 65535/],
    [{ MAX_UPLOAD_BYTES: '0' }, /MAX_UPLOAD_BYTES must be >= 1/],
    [{ MAX_UPLOAD_BYTES: '1.5' }, /MAX_UPLOAD_BYTES must be a whole number/],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, /RATE_LIMIT_PER_MINUTE must be >= 0/],
    [{ MAX_BATCH_COLUMNS: '0' }, /MAX_BATCH_COLUMNS must be >= 1/],
    [{ MAX_BATCH_RECORD_BYTES: '10' }, /MAX_BATCH_RECORD_BYTES must be >= 64/],
    [{ REQUEST_TIMEOUT_MS: '-5' }, /REQUEST_TIMEOUT_MS must be >= 0/],
    [{ CONNECTION_TIMEOUT_MS: 'soon' }, /CONNECTION_TIMEOUT_MS must be a whole number/],
    [{ BATCH_RATE_LIMIT_PER_MINUTE: '-1' }, /BATCH_RATE_LIMIT_PER_MINUTE must be >= 0/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list .* \(got "yes"\)/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be/],
    [{ TRUST_PROXY: '10.0.0.1,proxy.example' }, /TRUST_PROXY must be/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/],
    [{ DATABASE_URL: 'postgres://u:secret@h/db' }, /DATABASE_URL must start with sqlite: or mysql:\/\//],
    [{ ACCESS_LOG_SAMPLE: '1.5' }, /ACCESS_LOG_SAMPLE must be <= 1/],
    [{ ACCESS_LOG_SAMPLE: 'half' }, /ACCESS_LOG_SAMPLE must be a number/],
    [{ ACCESS_LOG_MAX_PER_SECOND: '-1' }, /ACCESS_LOG_MAX_PER_SECOND must be >= 0/],
    [{ ACCESS_LOG_MAX_PER_SECOND: '2.5' }, /ACCESS_LOG_MAX_PER_SECOND must be a whole number/],
    [{ WEB_CONCURRENCY: '0' }, /WEB_CONCURRENCY must be >= 1/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['127.0.0.1, 192.168.1.0/24,fd00::/8', ['127.0.0.1', '192.168.1.0/24', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('reads TRUST_PROXY=%j as Fastify expects it', (text, value) => {
    expect(loadConfig({ TRUST_PROXY: text }).TRUST_PROXY).toEqual(value);
  });

  it('lists every bad key at once, with a stable code', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toMatchObject({ code: ServerErrorCode.CONFIG_INVALID });
      expect((error as Error).message).toMatch(/PORT.*; LOG_LEVEL.*; TRUST_PROXY/);
    }
  });

  it('never echoes a DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:secret@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });
});
