import { DEFAULT_MODEL_PATH } from '@realxdeal/model';
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
      LOG_LEVEL: 'info',
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
      LOG_LEVEL: 'debug',
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
      LOG_LEVEL: 'debug',
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
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/],
    [{ DATABASE_URL: 'postgres://u:secret@h/db' }, /DATABASE_URL must start with sqlite: or mysql:\/\//],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lists every bad key at once, with a stable code', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toMatchObject({ code: ServerErrorCode.CONFIG_INVALID });
      expect((error as Error).message).toMatch(/PORT.*; LOG_LEVEL/);
    }
  });

  it('never echoes a DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:secret@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });
});
