import { closePool, testPool, testServices, uniqueName, useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { AppConfig } from '../config/config.js';
import { createAppRole, createUsersTable, urlForRole } from '../users/schema.js';

/** A signing secret for tests only (32+ characters, like loadConfig demands). */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';

/**
 * bcrypt cost for tests that are not about timing: 4 (≈1 ms) instead of 12 (≈250 ms). Nothing
 * they check depends on the cost; the timing tests use a higher one on purpose.
 */
export const FAST_BCRYPT_COST = 4;

export interface UsersDatabase {
  /** The owner (the superuser the tests connect as): arranges data, creates and drops. */
  readonly pool: pg.Pool;
  /** The least-privilege role the app runs as, made by createAppRole. */
  readonly appPool: pg.Pool;
  readonly appRole: string;
  readonly url: string;
}

/** A fresh database with the users table and an app role, for one test file. */
export function useUsersDatabase(label: string): UsersDatabase {
  const appRole = uniqueName(`${label}_app`);
  // Registered first, so it runs last: a role can only go once the database holding its grants has.
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: testServices().databaseUrl });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appRole)}`);
    await admin.end();
  });
  const database = useTestDatabase(label);
  let pool: pg.Pool | undefined;
  let appPool: pg.Pool | undefined;
  beforeAll(async () => {
    pool = database.pool({ max: 3 });
    await createUsersTable(pool);
    await createAppRole(pool, appRole);
    appPool = testPool({ max: 5, connectionString: urlForRole(database.url, appRole) });
  });
  // Registered after useTestDatabase, so it runs before the database is dropped.
  afterAll(async () => {
    if (appPool) await closePool(appPool);
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the database is only available inside hooks and tests');
    return value;
  };
  return {
    get pool() {
      return ready(pool);
    },
    get appPool() {
      return ready(appPool);
    },
    appRole,
    get url() {
      return database.url;
    },
  };
}

/**
 * The configuration production would load, for a server on `databaseUrl` and `redisUrl`. Its
 * connections carry `applicationName`, so a test finds the server's backends in pg_stat_activity.
 */
export function serverConfig(
  databaseUrl: string,
  redisUrl: string,
  applicationName: string,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', applicationName);
  return {
    jwtSecret: TEST_SECRET,
    databaseUrl: url.toString(),
    redisUrl,
    host: '127.0.0.1',
    port: 0,
    corsOrigins: [],
    bcryptCost: FAST_BCRYPT_COST,
    trustProxyHops: 0,
    rateLimitPrefix: uniqueName('rl'),
    dependencyTimeoutMs: 500,
    ...overrides,
  };
}
