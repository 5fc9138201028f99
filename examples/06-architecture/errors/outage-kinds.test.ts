import pg from 'pg';
import {
  ConnectionAcquireTimeoutError,
  ConnectionRefusedError,
  DatabaseError,
  HostNotReachableError,
  UniqueConstraintError,
} from 'sequelize';
import { describe, expect, it } from 'vitest';
import { RETRY_AFTER_SECONDS, toHttpError } from '../app/api/http-errors.js';
import { NotFoundError, UnavailableError } from '../app/errors.js';
import { isDatabaseOutage, translateOutages } from '../app/repositories/database-outage.js';
import { UNAVAILABLE_MESSAGE } from '../test/support.js';

/** An error as Postgres sends it, through pg. */
function postgres(code: string, message = `SQLSTATE ${code}`): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });
}

/** The same error as a Sequelize model call throws it, wrapped. */
function viaSequelize(error: Error): DatabaseError {
  return new DatabaseError(Object.assign(error, { sql: 'SELECT 1' }));
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseOutage: "not now" (503, retry) against "not this" (the request or the code is wrong)', () => {
  it.each([
    ['no free pool connection within pool.acquire', new ConnectionAcquireTimeoutError(new Error('Operation timeout'))],
    ['connection refused', new ConnectionRefusedError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))],
    ['host unreachable', new HostNotReachableError(withCode('connect EHOSTUNREACH', 'EHOSTUNREACH'))],
    ["pg's query_timeout on a frozen server", viaSequelize(new Error('Query read timeout'))],
    ['a backend terminated: a restart, a failover (57P01)', viaSequelize(postgres('57P01'))],
    ['the server still starting up (57P03)', postgres('57P03')],
    ['cancelled by statement_timeout (57014)', viaSequelize(postgres('57014'))],
    ['too many connections (53300)', postgres('53300')],
    ['a connection exception (08006)', postgres('08006')],
    // Sequelize wraps these two in ConnectionError; a plain-pg repository throws the socket's own error.
    ['connection refused, from plain pg', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['host unreachable, from plain pg', withCode('connect EHOSTUNREACH 10.0.0.9:5432', 'EHOSTUNREACH')],
    ['connection reset', viaSequelize(withCode('read ECONNRESET', 'ECONNRESET'))],
    ['a write to a closed socket', withCode('write EPIPE', 'EPIPE')],
    ['a connect that timed out in the kernel', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['the socket closed under a query', viaSequelize(new Error('Connection terminated unexpectedly'))],
    ["pg's connectionTimeoutMillis", new Error('timeout expired')],
    ["pg.Pool's connectionTimeoutMillis", new Error('timeout exceeded when trying to connect')],
  ])('outage: %s', (_, error) => {
    expect(isDatabaseOutage(error)).toBe(true);
  });

  it.each([
    ['an undefined table: a bug (42P01)', viaSequelize(postgres('42P01'))],
    ['a number out of range: bad input (22003)', postgres('22003')],
    ['a deadlock (40P01)', postgres('40P01')],
    ['a code that only starts like a class (57P01X)', postgres('57P01X')],
    ['a code that only ends like a class (X57014)', postgres('X57014')],
    ['a unique violation (EmailTakenError, once translated)', new UniqueConstraintError({})],
    ['an unknown code', withCode('boom', 'ESOMETHING')],
    ['a message that only mentions a timeout', new Error('the Query read timeout option is unset')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'ECONNRESET'],
    ['a Sequelize DatabaseError around a non-error', new DatabaseError({ name: 'x', message: 'x', sql: '' })],
  ])('not an outage: %s', (_, error) => {
    expect(isDatabaseOutage(error)).toBe(false);
  });
});

describe('translateOutages: one wrapper, every repository method', () => {
  class Shelf {
    private readonly label = 'shelf';
    readonly size = 3;
    async name(suffix: string): Promise<string> {
      return `${this.label}-${suffix}`;
    }
    async fail(error: unknown): Promise<never> {
      throw error;
    }
  }
  const shelf = translateOutages(new Shelf());

  it('keeps results, arguments, `this` and plain properties', async () => {
    await expect(shelf.name('a')).resolves.toBe('shelf-a');
    expect(shelf.size).toBe(3);
  });

  it('turns an outage into UnavailableError, keeping what failed as its cause', async () => {
    const outage = viaSequelize(new Error('Query read timeout'));
    const error = await shelf.fail(outage).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'database', cause: outage });
  });

  it('passes anything else through as it is', async () => {
    const bug = new TypeError('a bug');
    await expect(shelf.fail(bug)).rejects.toBe(bug);
    const domain = new NotFoundError('User', 1);
    await expect(shelf.fail(domain)).rejects.toBe(domain);
  });
});

describe('toHttpError of an outage', () => {
  it('503 SERVICE_UNAVAILABLE with Retry-After, not unexpected, nothing of the cause in the body', () => {
    const cause = viaSequelize(postgres('57P01', 'terminating connection due to administrator command'));
    const mapped = toHttpError(new UnavailableError('database', { cause }), 'req-9');
    expect(mapped).toEqual({
      status: 503,
      unexpected: false,
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE, requestId: 'req-9' } },
    });
    expect(JSON.stringify(mapped.body)).not.toMatch(/terminat|57P01|database|administrator/i);
    expect(RETRY_AFTER_SECONDS).toBeGreaterThan(0);
  });
});
