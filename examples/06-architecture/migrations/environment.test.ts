import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config/environment.js';

/** Any URL that passes: these cases are about the other variables. */
const DB_URL = 'postgres://u@db/app';

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

  it('accepts the rest of a real process environment (PATH, HOME, …): only its own variables are checked', () => {
    // loadConfig() reads process.env as it is; refusing unknown keys would refuse every real shell.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: DB_URL };
    for (const own of ['PORT', 'DB_POOL_MAX', 'DB_TIMEOUT_MS']) delete env[own]; // the runner's, if it sets any
    expect(env.PATH).toEqual(expect.any(String));
    expect(loadConfig({ ...env, HOME: '/home/app', SOME_OTHER_TOOL: 'x' })).toEqual({
      databaseUrl: DB_URL,
      port: 3000,
      dbPoolMax: 5,
      dbTimeoutMs: 5_000,
    });
  });

  it('refuses a port outside 0–65535 and a pool outside 1–50, saying "Invalid environment" and naming the variable', () => {
    const refused = (env: NodeJS.ProcessEnv) => () => loadConfig({ DATABASE_URL: DB_URL, ...env });
    expect(refused({ PORT: '-1' })).toThrow(/^Invalid environment: "PORT" must be greater than or equal to 0$/);
    expect(refused({ PORT: '65536' })).toThrow(/^Invalid environment: "PORT" must be less than or equal to 65535$/);
    // A pool of 0 would make every query wait for a connection that can never be opened.
    expect(refused({ DB_POOL_MAX: '0' })).toThrow(
      /^Invalid environment: "DB_POOL_MAX" must be greater than or equal to 1$/,
    );
    expect(refused({ DB_POOL_MAX: '51' })).toThrow(
      /^Invalid environment: "DB_POOL_MAX" must be less than or equal to 50$/,
    );
    expect(loadConfig({ DATABASE_URL: DB_URL, PORT: '0', DB_POOL_MAX: '1' })).toMatchObject({ port: 0, dbPoolMax: 1 });
    expect(loadConfig({ DATABASE_URL: DB_URL, PORT: '65535', DB_POOL_MAX: '50' })).toMatchObject({
      port: 65535,
      dbPoolMax: 50,
    });
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
