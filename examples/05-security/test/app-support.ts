import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@cookbook/shared';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type AppOptions, createApiServer } from '../app/app.js';
import { FAST_BCRYPT_COST, TEST_SECRET } from './support.js';

export const ALLOWED_ORIGIN = 'https://app.example.com';

/**
 * The composed API listening on a free port for one test file, with errors that reach the
 * 500 branch collected so a test can assert there were none.
 */
export function useListeningApp(
  pool: () => pg.Pool,
  overrides: Partial<AppOptions> = {},
): { readonly url: string; readonly serverErrors: unknown[] } {
  const serverErrors: unknown[] = [];
  let server: Server | undefined;
  beforeAll(async () => {
    server = createApiServer({
      pool: pool(),
      jwtSecret: TEST_SECRET,
      corsOrigins: [ALLOWED_ORIGIN],
      bcryptCost: FAST_BCRYPT_COST,
      log: (error) => serverErrors.push(error),
      ...overrides,
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
  });
  afterAll(async () => {
    if (server) await closeServer(server);
  });
  return {
    get url() {
      const address = server?.address() as AddressInfo | null;
      if (!address) throw new Error('the app is only listening inside hooks and tests');
      return `http://127.0.0.1:${address.port}`;
    },
    serverErrors,
  };
}
