import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApiServer } from '../app/app.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/config.js';
import { logMailer } from '../passwords/mailer.js';
import { redisRateLimitStore } from '../rate-limit/rate-limit.js';
import { assertNotSuperuser } from '../users/schema.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The production entry: configuration is validated before a single connection is opened, so
 * a bad JWT_SECRET stops the process here with one line, never later at the first login. The
 * schema is the owner's (a migration); the app connects as a role that cannot change it.
 */
// #region start-server
export async function startServer(config: AppConfig = loadConfig()): Promise<RunningServer> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  // A Postgres restart, failover or idle-session timeout ends idle connections, and pg-pool
  // re-emits that on the pool: with no listener the 'error' event throws and kills the process.
  // The pool has already discarded the dead client and connects anew at the next checkout.
  pool.on('error', (error) => console.warn(`postgres: an idle connection was lost (${error.message})`));
  try {
    await assertNotSuperuser(pool);
  } catch (error) {
    await pool.end();
    throw new ConfigError({ DATABASE_URL: error instanceof Error ? error.message : String(error) });
  }
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const server = createApiServer({
    pool,
    mailer: logMailer(),
    jwtSecret: config.jwtSecret,
    corsOrigins: config.corsOrigins,
    bcryptCost: config.bcryptCost,
    trustProxyHops: config.trustProxyHops,
    limits: {
      api: { store: redisRateLimitStore(redis, `${config.rateLimitPrefix}api:`) },
      login: { store: redisRateLimitStore(redis, `${config.rateLimitPrefix}login:`) },
    },
  });
  await once(server.listen(config.port, config.host), 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: async () => {
      // close() stops accepting and, since Node 19, ends idle keep-alive sockets too.
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await Promise.all([pool.end(), redis.quit()]);
    },
  };
}
// #endregion start-server

// Node 22.18+/24: true only when this file is the one Node was asked to run.
if (import.meta.main) {
  try {
    const running = await startServer();
    console.log(`listening on ${running.url}`);
    const stop = (signal: string) => {
      console.log(`${signal}: closing`);
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    // A config error is the operator's to fix: one line, no stack trace.
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
