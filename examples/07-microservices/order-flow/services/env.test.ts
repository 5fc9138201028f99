import { describe, expect, it } from 'vitest';
import { DEPLOYABLES, gatewayEnv, userServiceEnv } from './deployables.js';
import { ConfigError, readEnv, requiredVariables } from './env.js';

const base = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('config from the environment', () => {
  it('applies defaults, parses numbers, and freezes the result', () => {
    const config = readEnv(userServiceEnv, { ...base, DATABASE_URL: 'postgres://db/app', PORT: '4001' });
    expect(config).toMatchObject({ PORT: 4001, HOST: '127.0.0.1', REGISTRY_TTL_MS: 3_000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable at once, and never echoes a secret', () => {
    const read = () => readEnv(gatewayEnv, { API_KEYS: 'sk_live_no_colon', PORT: '70000', RATE_LIMIT: '-1' });
    expect(read).toThrow(ConfigError);
    const message = (() => {
      try {
        read();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('REDIS_URL is required');
    expect(message).toContain('PORT must be an integer from 0 to 65535, got "70000"');
    expect(message).toContain('RATE_LIMIT must be an integer from 1 to 1000000, got "-1"');
    expect(message).toContain('API_KEYS must be a comma-separated list of key:client pairs');
    expect(message).not.toContain('sk_live');
  });

  it('tells a manifest which variables it must set: those without a default', () => {
    expect(requiredVariables(userServiceEnv).sort()).toEqual(['DATABASE_URL', 'REDIS_URL']);
    expect(requiredVariables(gatewayEnv).sort()).toEqual(['API_KEYS', 'REDIS_URL']);
    expect(Object.values(DEPLOYABLES).map((d) => [d.name, d.port, d.shutdownTimeoutMs])).toEqual([
      ['user-service', 3001, 10_000],
      ['order-service', 3002, 10_000],
      ['email-service', 3003, 10_000],
      ['gateway', 3000, 10_000],
    ]);
  });
});
