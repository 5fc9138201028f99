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
      host: '127.0.0.1',
      port: 3000,
      bcryptCost: 12,
      trustProxyHops: 0,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      rateLimitPrefix: 'rl:',
      dependencyTimeoutMs: 1_000,
    });
  });

  it.each([
    ['JWT_SECRET', 'x'.repeat(32), 'jwtSecret', 'x'.repeat(32)],
    ['PORT', '0', 'port', 0],
    ['PORT', '65535', 'port', 65535],
    ['BCRYPT_COST', '10', 'bcryptCost', 10],
    ['BCRYPT_COST', '15', 'bcryptCost', 15],
    ['TRUST_PROXY_HOPS', '10', 'trustProxyHops', 10],
    ['DEPENDENCY_TIMEOUT_MS', '100', 'dependencyTimeoutMs', 100],
    ['DEPENDENCY_TIMEOUT_MS', '60000', 'dependencyTimeoutMs', 60_000],
    [
      'CORS_ORIGINS',
      ' https://app.example.com , http://localhost:5173',
      'corsOrigins',
      ['https://app.example.com', 'http://localhost:5173'],
    ],
  ])('accepts %s=%j, the edge of what it allows', (name, value, field, parsed) => {
    expect(loadConfig({ ...valid, [name]: value })).toMatchObject({ [field]: parsed });
  });

  it('names every missing variable in one line', () => {
    // The exact text: comparing to a `new ConfigError(...)` would build both messages the same way.
    const error = captureConfigError({});
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'Invalid configuration: JWT_SECRET is missing; DATABASE_URL is missing; REDIS_URL is missing; CORS_ORIGINS is missing',
    );
    expect(Object.keys(error.variables)).toEqual(['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'CORS_ORIGINS']);
  });

  it.each([
    ['JWT_SECRET', 'changeme', /at least 32 characters/],
    ['JWT_SECRET', 'x'.repeat(31), /at least 32 characters/],
    ['PORT', 'eighty', /integer from 0 to 65535/],
    ['PORT', '65536', /integer from 0 to 65535/],
    ['PORT', '-1', /integer from 0 to 65535/],
    // An empty `PORT=` in a .env file is a mistake, not a request for any free port.
    ['PORT', '', /integer from 0 to 65535/],
    ['PORT', '1e3', /integer from 0 to 65535/],
    ['CORS_ORIGINS', 'https://app.example.com/', /list of origins/],
    ['CORS_ORIGINS', 'app.example.com', /list of origins.*"app.example.com"/],
    ['BCRYPT_COST', '4', /integer from 10 to 15/],
    ['BCRYPT_COST', '16', /integer from 10 to 15/],
    ['TRUST_PROXY_HOPS', '11', /integer from 0 to 10/],
    ['DEPENDENCY_TIMEOUT_MS', '99', /integer from 100 to 60000/],
    ['DEPENDENCY_TIMEOUT_MS', '60001', /integer from 100 to 60000/],
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
    expect(() => naiveLoadConfig({})).toThrow('JWT_SECRET is required');
  });

  it('.env.example documents exactly the variables the code reads, with no secret filled in', () => {
    const lines = readFileSync(join(packageDir, '.env.example'), 'utf8').split('\n');
    const entries = lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('='));
    expect(entries.map(([name]) => name).sort()).toEqual(Object.keys(CONFIG_SPEC).sort());
    expect(entries.find(([name]) => name === 'JWT_SECRET')?.[1]).toBe('');
  });

  it('.env.example shows the defaults: its optional values change nothing', () => {
    const lines = readFileSync(join(packageDir, '.env.example'), 'utf8').split('\n');
    const optional = lines.slice(lines.findIndex((line) => line.startsWith('# Optional')));
    const shown = Object.fromEntries(optional.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')));
    expect(Object.keys(shown)).toEqual([
      'HOST',
      'PORT',
      'BCRYPT_COST',
      'TRUST_PROXY_HOPS',
      'RATE_LIMIT_PREFIX',
      'DEPENDENCY_TIMEOUT_MS',
    ]);
    expect(loadConfig({ ...valid, ...shown })).toEqual(loadConfig(valid));
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
