import { ConnectionError, DatabaseError } from 'sequelize';
import { UnavailableError } from '../errors.js';

// #region database-outage
/**
 * SQLSTATE classes that mean "not now" rather than "not this": 08 connection exceptions, 53 out of
 * resources (too many connections, disk full), 57 operator intervention: 57P01 a backend terminated
 * (a restart, a failover), 57P03 not accepting connections yet, 57014 cancelled by statement_timeout.
 */
const NOT_NOW_SQLSTATE = /^(08|53|57)[0-9A-Z]{3}$/;
/** The socket to the server failed. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** pg's words when it gives up without a code: query_timeout, a dropped socket, the connect bounds. */
const PG_GAVE_UP =
  /^(Query read timeout|Connection terminated|timeout expired|timeout exceeded when trying to connect)/;

/** True when the database cannot serve now (retry later), false when the request or the code is wrong. */
export function isDatabaseOutage(error: unknown): boolean {
  // Refused, unreachable, timed out connecting, or no free pool connection within `pool.acquire`.
  if (error instanceof ConnectionError) return true;
  // Sequelize wraps the driver's error; a plain-pg repository throws it as it is.
  const cause = error instanceof DatabaseError ? error.parent : error;
  if (!(cause instanceof Error)) return false;
  const code = 'code' in cause ? cause.code : undefined;
  if (typeof code === 'string') return NOT_NOW_SQLSTATE.test(code) || NETWORK_CODES.has(code);
  return PG_GAVE_UP.test(cause.message);
}
// #endregion database-outage

/**
 * The repository with every method's outage turned into the domain's UnavailableError, whatever
 * it runs on (Sequelize or plain pg). Applied once, at the composition root, so no repository
 * method can forget it. Any other error passes through as it is: a bug stays a 500, and a unique
 * violation has already become EmailTakenError inside the repository.
 */
export function translateOutages<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof member !== 'function') return member;
      return async (...args: unknown[]) => {
        try {
          return await member.apply(target, args);
        } catch (error) {
          throw isDatabaseOutage(error) ? new UnavailableError('database', { cause: error }) : error;
        }
      };
    },
  });
}
