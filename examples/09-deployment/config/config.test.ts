import { describe, expect, it } from 'vitest';
import { exitCode, spawnService } from '../test/spawn-service.js';
import { ConfigError, loadConfig, naiveConfig } from './config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:s3cret-pw@db.internal:5432/app',
  REDIS_URL: 'redis://cache.internal:6379',
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('gives development local defaults and a chatty log level', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'debug',
      drainDelayMs: 0,
    });
  });

  it('serves metrics on 9464 + the pm2 worker number, and on a free port in tests', () => {
    expect(loadConfig(production).metricsPort).toBe(9464);
    expect(loadConfig({ ...production, NODE_APP_INSTANCE: '1' }).metricsPort).toBe(9465);
    expect(loadConfig({ NODE_ENV: 'test', NODE_APP_INSTANCE: '1' }).metricsPort).toBe(0);
  });

  it('keeps tests quiet by default', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
  });

  it('takes production values from the environment, with production defaults for the rest', () => {
    const config = loadConfig({ ...production, PORT: '8080', LOG_LEVEL: 'warn' });
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: production.DATABASE_URL,
      logLevel: 'warn',
      drainDelayMs: 5_000,
      shutdownTimeoutMs: 20_000,
    });
  });

  it('returns a frozen object: nothing can reconfigure the process after startup', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => Object.assign(config, { port: 1 })).toThrow(TypeError);
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }, 'DATABASE_URL is required when NODE_ENV=production'],
    ['REDIS_URL', { REDIS_URL: undefined }, 'REDIS_URL is required when NODE_ENV=production'],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a postgres:// URL'],
    ['PORT', { PORT: 'eighty' }, 'PORT must be an integer from 0 to 65535'],
    ['PORT', { PORT: '70000' }, 'PORT must be an integer from 0 to 65535'],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of error, warn'],
    ['NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production'],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS must be a number'],
  ])('refuses a missing or malformed %s with one line naming it', (name, change, expected) => {
    const error = configError({ ...production, ...change });
    expect(error.variables).toEqual([name]);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('\n');
  });

  it('refuses a dependency timeout that the request deadline would always beat', () => {
    const error = configError({ ...production, DEPENDENCY_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '5000' });
    expect(error.variables).toEqual(['DEPENDENCY_TIMEOUT_MS']);
    expect(error.message).toContain('DEPENDENCY_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS');
    expect(loadConfig(production)).toMatchObject({ dependencyTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
  });

  it('never echoes the value it rejected (a URL can carry a password)', () => {
    const error = configError({ ...production, DATABASE_URL: 'postgres//app:s3cret-pw@db' });
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('treats an unset NODE_ENV as production, so a forgotten variable cannot select laptop settings', () => {
    const error = configError({ DATABASE_URL: production.DATABASE_URL });
    expect(error.variables).toEqual(['REDIS_URL']);
    const { NODE_ENV: _unset, ...withoutNodeEnv } = production;
    expect(loadConfig(withoutNodeEnv)).toMatchObject({ env: 'production', host: '0.0.0.0', drainDelayMs: 5_000 });
  });

  it('names every bad variable at once, not one per restart', () => {
    expect(configError({ NODE_ENV: 'production', PORT: 'x' }).variables).toEqual(['PORT', 'DATABASE_URL', 'REDIS_URL']);
  });
});

describe('naiveConfig (the Q&A)', () => {
  it('starts production without a database URL and with a port that is undefined', () => {
    const config = naiveConfig({ NODE_ENV: 'production' });
    expect(config?.databaseUrl).toBeUndefined();
    // server.listen(undefined) binds a random port: the service "starts", behind nothing.
    expect(config?.port).toBeUndefined();
  });

  it('returns a string port and an undefined config where loadConfig refuses', () => {
    expect(naiveConfig({ ...production, PORT: 'eighty' })?.port).toBe('eighty');
    expect(naiveConfig({ NODE_ENV: 'staging' })).toBeUndefined();
  });

  it('falls back to development settings when NODE_ENV is forgotten', () => {
    expect(naiveConfig({ DATABASE_URL: production.DATABASE_URL })?.databaseUrl).toBe('postgres://localhost/myapp_dev');
  });
});

describe('the process entry', () => {
  it('refuses to start in production without DATABASE_URL: one line on stderr, exit 1', async () => {
    const entry = spawnService(new URL('../service/start.ts', import.meta.url), {
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: '0',
    });
    expect(await exitCode(entry)).toBe(1);
    expect(entry.errors.join('\n').trim()).toBe(
      'Invalid configuration: DATABASE_URL is required when NODE_ENV=production',
    );
    expect(entry.lines.join('')).toBe('');
  });
});
