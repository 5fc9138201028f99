import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApiServer } from '../app/app.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/config.js';
import { logMailer } from '../passwords/mailer.js';
import { redisRateLimitStore } from '../rate-limit/rate-limit.js';
import { createUsersTable } from '../users/users.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

// #region start-server
/**
 * The production entry: configuration is validated before a single connection is opened, so
 * a bad JWT_SECRET stops the process here with one line, never later at the first login.
 */
export async function startServer(config: AppConfig = loadConfig()): Promise<RunningServer> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  await createUsersTable(pool);
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
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await Promise.all([pool.end(), redis.quit()]);
    },
  };
}
// #endregion start-server

function isEntry(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isEntry()) {
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
