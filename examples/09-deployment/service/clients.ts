import { Redis } from 'ioredis';
import pg from 'pg';

export interface ClientSettings {
  databaseUrl: string;
  dbPoolMax: number;
  redisUrl: string;
  redisKeyPrefix: string;
  dependencyTimeoutMs: number;
}

export interface Clients {
  pool: pg.Pool;
  /** Only for /health/ready, so the probe never waits behind user queries for a connection. */
  readinessPool: pg.Pool;
  redis: Redis;
}

// #region clients
/**
 * Every way a dependency can keep a request waiting has a bound: connecting, waiting for a free
 * pool connection, a query the server never answers, a Redis command on a stalled socket, a
 * command issued while Redis is away. Past it the call fails, and the caller answers a 503.
 */
export function createClients(settings: ClientSettings): Clients {
  const timeout = settings.dependencyTimeoutMs;
  const postgres = (max: number) =>
    new pg.Pool({
      connectionString: settings.databaseUrl,
      max,
      // Bounds both a new connection and the wait for a free one when all are busy.
      connectionTimeoutMillis: timeout,
      // Server side: a slow query is cancelled, and its connection and backend are free again.
      statement_timeout: timeout,
      // Client side, for a paused or partitioned server that cannot cancel anything; a little later,
      // so the server's cancel normally wins and the connection survives.
      query_timeout: Math.ceil(timeout * 1.5),
    });
  const redis = new Redis(settings.redisUrl, {
    keyPrefix: settings.redisKeyPrefix,
    connectTimeout: timeout,
    commandTimeout: timeout,
    // A command lost with its connection fails now instead of waiting for reconnects.
    maxRetriesPerRequest: 0,
    // While Redis is away, commands fail at once instead of queueing until it returns.
    enableOfflineQueue: false,
  });
  return { pool: postgres(settings.dbPoolMax), readinessPool: postgres(1), redis };
}
// #endregion clients

// #region naive-clients
/** The clients as the Q&A makes them: library defaults, so nothing bounds a wait; one pool for everything. */
export function naiveClients(settings: ClientSettings): Clients {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: settings.dbPoolMax });
  const redis = new Redis(settings.redisUrl, { keyPrefix: settings.redisKeyPrefix });
  return { pool, readinessPool: pool, redis };
}
// #endregion naive-clients
