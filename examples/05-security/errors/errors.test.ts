import express from 'express';
import { ReplyError } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dependency } from './dependency.js';
import {
  ConflictError,
  DependencyUnavailableError,
  errorHandler,
  NotFoundError,
  RETRY_AFTER_SECONDS,
  UnauthorizedError,
  ValidationError,
} from './errors.js';

/** An app whose one route fails with `error`, behind the error handler under test. */
function failingWith(error: unknown, log?: (error: unknown) => void) {
  const app = express();
  app.post('/', (_req, _res, next) => next(error));
  app.use(errorHandler(log));
  return app;
}

afterEach(() => vi.restoreAllMocks());

describe('errorHandler: each kind of error, its status, its body, and whether it is logged', () => {
  // Made inside each test, so a mutant of a constructor's default shows in that test's coverage.
  it.each([
    [
      'ValidationError',
      () => new ValidationError([{ field: 'email', message: '"email" is required' }]),
      400,
      { error: 'invalid request', fields: [{ field: 'email', message: '"email" is required' }] },
    ],
    ['UnauthorizedError', () => new UnauthorizedError(), 401, { error: 'invalid or missing credentials' }],
    [
      'UnauthorizedError with a message',
      () => new UnauthorizedError('invalid or expired token'),
      401,
      { error: 'invalid or expired token' },
    ],
    ['NotFoundError', () => new NotFoundError('user not found', 'id'), 404, { error: 'user not found', field: 'id' }],
    [
      'ConflictError',
      () => new ConflictError('email is already registered', 'email'),
      409,
      { error: 'email is already registered', field: 'email' },
    ],
  ] as const)('%s → %i, not logged: a client error is not the server’s', async (_, make, status, body) => {
    const logged: unknown[] = [];
    const res = await request(failingWith(make(), (e) => logged.push(e))).post('/');
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it('each error type is named for its class, so a log line says which it was', () => {
    expect(new ValidationError([]).name).toBe('ValidationError');
    expect(new DependencyUnavailableError('redis', new Error('x')).name).toBe('DependencyUnavailableError');
  });

  it('a dependency outage → 503 with Retry-After, logged with its cause, and the body names neither', async () => {
    const logged: unknown[] = [];
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const error = new DependencyUnavailableError('redis', cause);
    const res = await request(failingWith(error, (e) => logged.push(e))).post('/');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.body).toEqual({ error: 'service unavailable, try again later', retryAfter: RETRY_AFTER_SECONDS });
    expect(res.text).not.toMatch(/redis|ECONNREFUSED|6379/i);
    expect(logged).toEqual([error]);
    expect((logged[0] as Error).cause).toBe(cause);
    expect(error.dependency).toBe('redis');
  });

  it('a library client error → its 4xx naming the field, not logged', async () => {
    const logged: unknown[] = [];
    const error = Object.assign(new Error('Unexpected token'), { status: 400, type: 'entity.parse.failed' });
    const res = await request(failingWith(error, (e) => logged.push(e))).post('/');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'body is not valid JSON',
      fields: [{ field: 'body', message: 'body is not valid JSON' }],
    });
    expect(logged).toEqual([]);
  });

  it('a typeless 4xx on a request that claims a Content-Encoding names that header', async () => {
    const error = Object.assign(new Error('incorrect header check'), { status: 400, code: 'Z_DATA_ERROR' });
    const res = await request(failingWith(error, () => {}))
      .post('/')
      .set('Content-Encoding', 'deflate');
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field: 'content-encoding', message: 'body is not valid deflate data' }]);
  });

  it('anything else → a bare 500, logged, with no message, stack or SQL in the body', async () => {
    const logged: unknown[] = [];
    const error = new Error('relation "users" does not exist at SELECT * FROM users');
    const res = await request(failingWith(error, (e) => logged.push(e))).post('/');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
    expect(logged).toEqual([error]);
  });

  it('logs to console.error unless told otherwise', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const outage = new DependencyUnavailableError('postgres', new Error('Query read timeout'));
    const bug = new TypeError('undefined is not a function');
    await request(failingWith(outage)).post('/');
    await request(failingWith(bug)).post('/');
    expect(consoleError.mock.calls).toEqual([[outage], [bug]]);
  });
});

/** An error as Postgres sends it, through pg. */
function postgresError(code: string): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(`SQLSTATE ${code}`, 0, 'error'), { code });
}

describe('dependency: an outage becomes a 503, the dependency’s own answer keeps its meaning', () => {
  it('passes the result through', async () => {
    await expect(dependency('postgres', async () => 42)).resolves.toBe(42);
  });

  it.each([
    ['a unique violation', postgresError('23505')],
    ['bad SQL', postgresError('42601')],
    // 08, 53 and 57 are classes: the code's first two characters, never its last two.
    ['a datetime overflow (22008, which ends in 08)', postgresError('22008')],
    ['an ambiguous parameter (42P08)', postgresError('42P08')],
    ['a Redis error reply', new ReplyError('NOSCRIPT No matching script')],
  ])('%s is rethrown as it is', async (_, error) => {
    await expect(dependency('postgres', () => Promise.reject(error))).rejects.toBe(error);
  });

  it.each([
    ['a connection failure (08006)', postgresError('08006')],
    ['too many connections (53300)', postgresError('53300')],
    ['a statement timeout (57014)', postgresError('57014')],
    ['a client-side timeout', new Error('Query read timeout')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('%s is an outage: DependencyUnavailableError with it as the cause', async (_, cause) => {
    const failure = dependency('redis', () => Promise.reject(cause));
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 503, dependency: 'redis', cause });
  });
});
