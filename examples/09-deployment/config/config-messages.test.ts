import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, naiveConfig } from './config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:s3cret-pw@db.internal:5432/app',
  REDIS_URL: 'redis://cache.internal:6379',
};

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig accepted the environment');
};

describe('what a refused start-up says', () => {
  it('one ConfigError, every bad variable with what it must be, joined on one line', () => {
    const error = refusal({ ...production, METRICS_PORT: '70000', REDIS_URL: 'cache' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      name: 'ConfigError',
      message:
        'Invalid configuration: METRICS_PORT must be an integer from 0 to 65535 (0 picks a free port); ' +
        'REDIS_URL must be a redis:// URL',
    });
  });

  it('names the mode a missing variable is required in, production when NODE_ENV is unset', () => {
    expect(refusal({ REDIS_URL: production.REDIS_URL })).toMatchObject({
      message: 'Invalid configuration: DATABASE_URL is required when NODE_ENV=production',
    });
  });

  it.each(['80x', 'x80', ' 80', '65536', '-1', '8.5'])('refuses the port %j', (port) => {
    expect(refusal({ ...production, PORT: port })).toMatchObject({ variables: ['PORT'] });
  });

  it.each([
    ['0', 0],
    ['65535', 65_535],
  ])('takes the port %j', (port, expected) => {
    expect(loadConfig({ ...production, PORT: port }).port).toBe(expected);
  });
});

describe('production defaults for what need not differ per deploy', () => {
  it('names the service api, prefixes its Redis keys with api: and logs at info', () => {
    expect(loadConfig(production)).toMatchObject({ service: 'api', redisKeyPrefix: 'api:', logLevel: 'info' });
  });
});

describe('naiveConfig (the Q&A) table', () => {
  it('development is hard-coded; production is whatever the environment holds, logging errors only', () => {
    expect(naiveConfig({ NODE_ENV: 'development' })).toEqual({
      port: 3000,
      databaseUrl: 'postgres://localhost/myapp_dev',
      logLevel: 'debug',
    });
    expect(naiveConfig(production)).toEqual({
      port: undefined,
      databaseUrl: production.DATABASE_URL,
      logLevel: 'error',
    });
  });
});
