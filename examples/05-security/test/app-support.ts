import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@cookbook/shared';
import { afterAll, beforeAll } from 'vitest';
import { type AppOptions, createApiServer } from '../app/app.js';
import { type MailMessage, memoryOutbox } from '../passwords/mailer.js';
import { FAST_BCRYPT_COST, TEST_SECRET, type UsersDatabase } from './support.js';

export const ALLOWED_ORIGIN = 'https://app.example.com';

export interface ListeningApp {
  readonly url: string;
  /** Errors that reached the 500 branch: a test asserts there were none. */
  readonly serverErrors: unknown[];
  /** Every message sign-up sent. */
  readonly outbox: readonly MailMessage[];
}

/** The composed API on a free loopback port for one test file, running as the least-privilege role. */
export function useListeningApp(db: UsersDatabase, overrides: Partial<AppOptions> = {}): ListeningApp {
  const serverErrors: unknown[] = [];
  const mailer = memoryOutbox();
  let server: Server | undefined;
  beforeAll(async () => {
    server = createApiServer({
      pool: db.appPool,
      mailer,
      jwtSecret: TEST_SECRET,
      corsOrigins: [ALLOWED_ORIGIN],
      bcryptCost: FAST_BCRYPT_COST,
      log: (error) => serverErrors.push(error),
      ...overrides,
    });
    await once(server.listen(0, '127.0.0.1'), 'listening');
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
    outbox: mailer.messages,
  };
}
