import { closePool, testPool } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError, DependencyUnavailableError } from '../errors/errors.js';
import { useUsersDatabase } from '../test/support.js';
import { findCredentials, findUserById, insertUser, insertUserIfNew } from './users.js';

const db = useUsersDatabase('users_queries');

describe('users: the queries the app runs, as the app role', () => {
  it('insertUser returns the public columns, the age included, and never the hash', async () => {
    const user = await insertUser(db.appPool, { email: 'ada@example.com', passwordHash: 'hash-ada', age: 36 });
    expect(user).toEqual({ id: expect.any(Number), email: 'ada@example.com', age: 36 });
    expect(await findUserById(db.appPool, user.id)).toEqual(user);
    expect(await findCredentials(db.appPool, 'ada@example.com')).toEqual({
      id: user.id,
      email: 'ada@example.com',
      role: 'user',
      passwordHash: 'hash-ada',
    });
  });

  it('insertUser of a taken email is a 409 naming the email field', async () => {
    await insertUser(db.appPool, { email: 'alan@example.com', passwordHash: 'x' });
    const again = insertUser(db.appPool, { email: 'alan@example.com', passwordHash: 'y' });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({
      status: 409,
      message: 'email is already registered',
      details: { field: 'email' },
    });
  });

  it('any other failure of the INSERT stays what it was, never a 409', async () => {
    // A NOT NULL violation (23502): a bug of the caller, not a taken email.
    const bad = insertUser(db.appPool, { email: null as unknown as string, passwordHash: 'x' });
    await expect(bad).rejects.toMatchObject({ code: '23502' });
    await expect(bad).rejects.not.toBeInstanceOf(ConflictError);
  });

  it('insertUserIfNew stores the age, and is false for a taken email', async () => {
    expect(await insertUserIfNew(db.appPool, { email: 'grace@example.com', passwordHash: 'x', age: 85 })).toBe(true);
    expect(await insertUserIfNew(db.appPool, { email: 'grace@example.com', passwordHash: 'y', age: 20 })).toBe(false);
    const { rows } = await db.pool.query("SELECT age, password_hash FROM users WHERE email = 'grace@example.com'");
    expect(rows).toEqual([{ age: 85, password_hash: 'x' }]);
  });

  it('an unknown id or email is undefined', async () => {
    expect(await findUserById(db.appPool, 2_000_000_000)).toBeUndefined();
    expect(await findCredentials(db.appPool, 'nobody@example.com')).toBeUndefined();
  });
});

describe('users: a Postgres that cannot be reached is an outage of "postgres" (503), for every query', () => {
  // Nothing listens on port 1: each connect is refused at once.
  let unreachable: pg.Pool | undefined;
  const pool = () => {
    unreachable ??= testPool({ connectionString: 'postgres://app@127.0.0.1:1/users', connectionTimeoutMillis: 2_000 });
    return unreachable;
  };
  afterAll(async () => {
    if (unreachable) await closePool(unreachable);
  });

  it.each([
    ['insertUser', () => insertUser(pool(), { email: 'a@example.com', passwordHash: 'x' })],
    ['insertUserIfNew', () => insertUserIfNew(pool(), { email: 'a@example.com', passwordHash: 'x' })],
    ['findUserById', () => findUserById(pool(), 1)],
    ['findCredentials', () => findCredentials(pool(), 'a@example.com')],
  ])('%s', async (_, query) => {
    const failure = query();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 503, dependency: 'postgres' });
  });
});
