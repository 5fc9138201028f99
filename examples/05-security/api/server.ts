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
  const pool = boundedPool(config);
  try {
    await assertNotSuperuser(pool);
  } catch (error) {
    await pool.end();
    throw new ConfigError({ DATABASE_URL: error instanceof Error ? error.message : String(error) });
  }
  const redis = boundedRedis(config);
  try {
    // The stores load their scripts as they are made, and with no offline queue that needs a connection.
    await once(redis, 'ready', { signal: AbortSignal.timeout(config.dependencyTimeoutMs) });
  } catch (error) {
    redis.disconnect();
    await pool.end();
    const why = error instanceof Error && error.name !== 'AbortError' ? error.message : 'no answer in time';
    throw new ConfigError({ REDIS_URL: `could not be reached within ${config.dependencyTimeoutMs} ms: ${why}` });
  }
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
      // quit() waits for Redis to answer; one that is away gets its socket dropped after commandTimeout.
      await Promise.all([pool.end(), redis.quit().catch(() => redis.disconnect())]);
    },
  };
}
// #endregion start-server

// #region bounded-clients
/**
 * Every way Postgres can keep a request waiting has a bound: connecting, waiting for a free
 * connection when all ten are busy, a query the server does not finish, a server that answers
 * nothing at all. Past it the query fails, and the error handler answers 503.
 */
export function boundedPool({
  databaseUrl,
  dependencyTimeoutMs: timeout,
}: Pick<AppConfig, 'databaseUrl' | 'dependencyTimeoutMs'>): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // Bounds both a new connection and the wait for a free one.
    connectionTimeoutMillis: timeout,
    // Server side: a slow or lock-blocked query is cancelled, and its connection is free again.
    statement_timeout: timeout,
    // Client side, for a paused or partitioned server that cannot cancel anything; a little
    // later, so the server's cancel normally wins and the connection survives.
    query_timeout: Math.ceil(timeout * 1.5),
  });
  // A Postgres restart, failover or idle-session timeout ends idle connections, and pg-pool
  // re-emits that on the pool: with no listener the 'error' event throws and kills the process.
  // The pool has already discarded the dead client and connects anew at the next checkout.
  pool.on('error', (error) => console.warn(`postgres: an idle connection was lost (${error.message})`));
  return pool;
}

/** The rate limiter's Redis: a command fails after the timeout, or at once while Redis is away. */
export function boundedRedis({
  redisUrl,
  dependencyTimeoutMs: timeout,
}: Pick<AppConfig, 'redisUrl' | 'dependencyTimeoutMs'>): Redis {
  const redis = new Redis(redisUrl, {
    connectTimeout: timeout,
    // A stalled socket (a paused or partitioned Redis) answers nothing: without this, never.
    commandTimeout: timeout,
    // A command lost with its connection fails now instead of waiting for reconnects.
    maxRetriesPerRequest: 0,
    // While Redis is away, commands fail at once instead of queueing until it returns.
    enableOfflineQueue: false,
  });
  // One line per outage, not ioredis' "Unhandled error event" stack at every reconnect attempt.
  let away = false;
  redis.on('error', (error: Error) => {
    if (!away) console.warn(`redis: unavailable (${error.message})`);
    away = true;
  });
  redis.on('ready', () => {
    if (away) console.warn('redis: available again');
    away = false;
  });
  return redis;
}
// #endregion bounded-clients

// Node 22.18+/24: true only when this file is the one Node was asked to run.
// Stryker disable next-line ConditionalExpression: true would run the production entry inside the test runner, whose exit ends the runner itself
if (import.meta.main) {
  try {
    const running = await startServer();
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
    // Only now: a supervisor that signals as soon as it reads this line must find the handlers in place.
    console.log(`listening on ${running.url}`);
  } catch (error) {
    // A config error is the operator's to fix: one line, no stack trace.
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
