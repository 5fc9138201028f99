import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { Sequelize } from 'sequelize';

/** Bounds a request's wait on Postgres at every step unless the caller chooses another. */
export const DEFAULT_DB_TIMEOUT_MS = 5_000;

export interface DatabaseOptions {
  poolMax?: number;
  /** The longest any wait lasts: connecting, a free pool connection, one statement. */
  timeoutMs?: number;
  /** One statement's bound, when it differs from `timeoutMs` (a migration may rewrite a table for minutes). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity: tells this app's connections from a migration's, a psql's or a test's. */
  applicationName?: string;
}

// #region create-database
/**
 * One Sequelize instance per process, created by the composition root and passed down: nothing
 * imports a global connection. `dialectModule` hands Sequelize our `pg` so it never has to find
 * it through its own require paths. Every wait on Postgres has a bound; past it the call fails
 * (and the edge answers 503) instead of holding the request, its socket and its memory.
 */
export function createDatabase(url: string, options: DatabaseOptions = {}): Sequelize {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  const statementTimeoutMs = options.statementTimeoutMs ?? timeoutMs;
  return new Sequelize(url, {
    // Stryker disable next-line StringLiteral: new Sequelize(url, …) overwrites it with the URL's scheme: never read
    dialect: 'postgres',
    dialectModule: pg,
    logging: false,
    // acquire: the wait for a free connection while all `max` are busy (Sequelize's default: 60 s).
    pool: { max: options.poolMax ?? 5, min: 0, idle: 10_000, acquire: timeoutMs },
    // Sequelize hands these names to pg's Client as they are.
    dialectOptions: {
      application_name: options.applicationName ?? 'architecture-app',
      // A new connection to a host that does not answer would otherwise wait on the kernel, minutes.
      connectionTimeoutMillis: timeoutMs,
      // Server side: Postgres cancels a slow statement (57014), and the connection serves on.
      statement_timeout: statementTimeoutMs,
      // Client side, for a server that cannot cancel anything (frozen, partitioned away). Later than
      // the server's, so a slow statement normally ends with the server's cancel and keeps its
      // connection; Sequelize discards a connection that hit this one, and the pool opens another.
      query_timeout: Math.ceil(statementTimeoutMs * 1.5),
    },
    hooks: { afterConnect: (connection) => hangUpOnGoodbye(connection as pg.Client) },
  });
}

/**
 * A restart or `pg_terminate_backend` sends FATAL, fails the query in flight, and closes the socket
 * a moment later. Sequelize drops a connection only at that close, so a request in between was
 * handed the dead connection and answered 503 too. Ending it on the FATAL itself marks it ending at
 * once, and Sequelize's pool replaces it at the next checkout.
 */
function hangUpOnGoodbye(client: pg.Client): void {
  // pg's Client reports a FATAL during a query only to that query; its wire connection sees them all.
  const wire = (client as pg.Client & { connection: EventEmitter }).connection;
  wire.on('errorMessage', (message: { severity?: string }) => {
    if (message.severity === 'FATAL') client.end().catch(() => {}); // the server is closing it anyway
  });
}
// #endregion create-database
