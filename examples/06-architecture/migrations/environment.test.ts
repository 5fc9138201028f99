import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config/environment.js';

describe('loadConfig', () => {
  it('fills defaults for what is unset, except the database it writes to', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/app' })).toEqual({
      databaseUrl: 'postgres://u@db/app',
      port: 3000,
      dbPoolMax: 5,
      dbTimeoutMs: 5_000,
    });
  });

  it('has no default DATABASE_URL: unset, it stops naming the variable and how to set it', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is not set: point it at the database to use/);
  });

  it('refuses a DATABASE_URL that names no database (pg would pick one from the user name)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432' })).toThrow(
      /DATABASE_URL names no database/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/' })).toThrow(
      /DATABASE_URL names no database/,
    );
  });

  it('converts and validates what is set', () => {
    expect(
      loadConfig({ PORT: '8080', DB_POOL_MAX: '8', DB_TIMEOUT_MS: '1500', DATABASE_URL: 'postgresql://u@db/app' }),
    ).toMatchObject({ port: 8080, dbPoolMax: 8, dbTimeoutMs: 1500 });
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db/app' })).toThrow(
      /DATABASE_URL.*PORT|PORT.*DATABASE_URL/,
    );
  });

  it('refuses a database timeout too short to serve or too long for any client to wait', () => {
    const url = 'postgres://u@db/app';
    expect(() => loadConfig({ DATABASE_URL: url, DB_TIMEOUT_MS: '99' })).toThrow(/DB_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_URL: url, DB_TIMEOUT_MS: '60001' })).toThrow(/DB_TIMEOUT_MS/);
    expect(loadConfig({ DATABASE_URL: url, DB_TIMEOUT_MS: '100' }).dbTimeoutMs).toBe(100);
    expect(loadConfig({ DATABASE_URL: url, DB_TIMEOUT_MS: '60000' }).dbTimeoutMs).toBe(60_000);
  });
});
