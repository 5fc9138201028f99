import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_SPEC, ConfigError, loadConfig, naiveLoadConfig } from './config.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'a-valid-secret-0123456789abcdef-0123';
const valid = {
  JWT_SECRET: SECRET,
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app',
  REDIS_URL: 'redis://127.0.0.1:6379',
  CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
};

describe('config: validated at startup', () => {
  it('parses a valid environment, with defaults for the optional variables', () => {
    expect(loadConfig(valid)).toMatchObject({
      port: 3000,
      bcryptCost: 12,
      trustProxyHops: 0,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
    });
  });

  it('names every missing variable in one line', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError({
        JWT_SECRET: 'is missing',
        DATABASE_URL: 'is missing',
        REDIS_URL: 'is missing',
        CORS_ORIGINS: 'is missing',
      }),
    );
  });

  it.each([
    ['JWT_SECRET', 'changeme', /at least 32 characters/],
    ['PORT', 'eighty', /integer from 0 to 65535/],
    ['CORS_ORIGINS', 'https://app.example.com/', /list of origins/],
    ['BCRYPT_COST', '4', /integer from 10 to 15/],
    ['DATABASE_URL', 'not a url', /url/i],
  ])('rejects a malformed %s and says why', (name, value, why) => {
    const error = captureConfigError({ ...valid, [name]: value });
    expect(Object.keys(error.variables)).toEqual([name]);
    expect(error.variables[name]).toMatch(why);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('never prints the rejected secret', () => {
    expect(captureConfigError({ ...valid, JWT_SECRET: 'hunter2-my-real-but-short' }).message).not.toContain('hunter2');
  });

  it('naive: accepts a guessable secret and a missing database URL without a word', () => {
    expect(naiveLoadConfig({ JWT_SECRET: 'x' })).toEqual({ jwtSecret: 'x', dbUrl: undefined, apiKey: undefined });
  });

  it('.env.example documents exactly the variables the code reads, with no secret filled in', () => {
    const lines = readFileSync(join(packageDir, '.env.example'), 'utf8').split('\n');
    const entries = lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('='));
    expect(entries.map(([name]) => name).sort()).toEqual(Object.keys(CONFIG_SPEC).sort());
    expect(entries.find(([name]) => name === 'JWT_SECRET')?.[1]).toBe('');
  });
});

function captureConfigError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
