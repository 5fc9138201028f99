import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config/environment.js';

describe('loadConfig', () => {
  it('fills defaults for what is unset', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
      port: 3000,
      dbPoolMax: 5,
    });
  });

  it('converts and validates what is set', () => {
    expect(loadConfig({ PORT: '8080', DB_POOL_MAX: '8', DATABASE_URL: 'postgresql://u@db/app' })).toMatchObject({
      port: 8080,
      dbPoolMax: 8,
    });
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db/app' })).toThrow(
      /DATABASE_URL.*PORT|PORT.*DATABASE_URL/,
    );
  });
});
