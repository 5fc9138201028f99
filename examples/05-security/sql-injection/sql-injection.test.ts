import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { useUsersDatabase } from '../test/support.js';
import { userLookupRouter } from '../users/user-lookup.js';
import { findCredentials } from '../users/users.js';
import { unsafeFindUsers, unsafeUserLookupRouter, unvalidatedUserLookupRouter } from './unsafe-lookup.js';

const db = useUsersDatabase('sql_injection');

function lookupApp() {
  const app = express();
  app.use('/unsafe', unsafeUserLookupRouter(db.appPool));
  // Stands in for authentication: an admin may read any record, so only injection is in play here.
  app.use('/safe', (_req, res, next) => {
    res.locals.user = { id: 1, role: 'admin' };
    next();
  });
  app.use('/safe', userLookupRouter(db.appPool));
  app.use('/unvalidated', unvalidatedUserLookupRouter(db.appPool));
  app.use(errorHandler((error) => serverErrors.push(error)));
  return app;
}

/** What reached the error handler's 500 branch. */
const serverErrors: unknown[] = [];

async function userCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  await db.pool.query(
    `INSERT INTO users (email, password_hash, age) VALUES
       ('ada@example.com', '$2b$12$hash-of-ada', 36), ('alan@example.com', '$2b$12$hash-of-alan', 41),
       ('grace@example.com', '$2b$12$hash-of-grace', 45)`,
  );
});

describe('sql-injection: the string-built query', () => {
  it('answers a normal id like the safe one', async () => {
    const res = await request(lookupApp()).get('/unsafe/users').query({ id: '1' });
    expect(res.body).toEqual([{ id: 1, email: 'ada@example.com', age: 36 }]);
  });

  it('returns every row for `1 OR 1=1`', async () => {
    const res = await request(lookupApp()).get('/unsafe/users').query({ id: '1 OR 1=1' });
    expect(res.body).toHaveLength(3);
  });

  it('leaks the password hashes through a UNION', async () => {
    const res = await request(lookupApp())
      .get('/unsafe/users')
      .query({ id: '0 UNION SELECT 0, password_hash, 0 FROM users' });
    const emails = (res.body as { email: string }[]).map((row) => row.email);
    expect(emails).toEqual(expect.arrayContaining(['$2b$12$hash-of-ada', '$2b$12$hash-of-grace']));
  });

  it('runs a stacked second statement', async () => {
    const before = await userCount();
    await request(lookupApp())
      .get('/unsafe/users')
      .query({ id: "0; INSERT INTO users (email, password_hash) VALUES ('intruder@evil.test', 'x')" });
    expect(await userCount()).toBe(before + 1);
    expect(await findCredentials(db.pool, 'intruder@evil.test')).toBeDefined();
    await db.pool.query("DELETE FROM users WHERE email = 'intruder@evil.test'");
  });

  it('returns the rows of a stacked SELECT too: a second statement reads whatever the role may read', async () => {
    const res = await request(lookupApp())
      .get('/unsafe/users')
      .query({ id: '1; SELECT 0 AS id, password_hash AS email, 0 AS age FROM users' });
    const emails = (res.body as { email: string }[]).map((row) => row.email);
    expect(emails).toEqual(expect.arrayContaining(['ada@example.com', '$2b$12$hash-of-alan']));
  });

  it('without an id, finds nobody rather than failing', async () => {
    const res = await request(lookupApp()).get('/unsafe/users');
    expect([res.status, res.body]).toEqual([200, []]);
  });

  it('is exported as a plain function that is just as injectable', async () => {
    expect(await unsafeFindUsers(db.appPool, '1 OR 1=1')).toHaveLength(3);
  });
});

describe('sql-injection: validated and parameterized', () => {
  it('finds a user by id, without the hash', async () => {
    const res = await request(lookupApp()).get('/safe/users').query({ id: '2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 2, email: 'alan@example.com', age: 41 });
  });

  it.each([
    ['boolean', '1 OR 1=1'],
    ['union', '0 UNION SELECT 0, password_hash, 0 FROM users'],
    ['stacked', "0; INSERT INTO users (email, password_hash) VALUES ('intruder@evil.test', 'x')"],
  ])('answers the %s payload with a 400 naming `id`, leaking nothing and changing nothing', async (_, payload) => {
    const before = await userCount();
    const res = await request(lookupApp()).get('/safe/users').query({ id: payload });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    expect(JSON.stringify(res.body)).not.toContain('hash-of');
    expect(await userCount()).toBe(before);
  });

  it('never parses a parameter as SQL, even in a text column', async () => {
    expect(await findCredentials(db.pool, "' OR '1'='1")).toBeUndefined();
    expect(await findCredentials(db.pool, "x' UNION SELECT 1, 'a', 'b' --")).toBeUndefined();
  });

  it('answers an id nobody has with 404, and a missing id with 400', async () => {
    expect((await request(lookupApp()).get('/safe/users').query({ id: '999' })).status).toBe(404);
    const missing = await request(lookupApp()).get('/safe/users');
    expect(missing.status).toBe(400);
    expect(missing.body.fields[0].field).toBe('id');
  });
});

describe('sql-injection: parameterized but not validated (the Q&A ✅ as written)', () => {
  it('injects nothing, but turns `1 OR 1=1` into a 500 from a Postgres type error', async () => {
    serverErrors.length = 0;
    const before = await userCount();
    const res = await request(lookupApp()).get('/unvalidated/users').query({ id: '1 OR 1=1' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
    expect(serverErrors).toEqual([expect.objectContaining({ code: '22P02' })]);
    expect(await userCount()).toBe(before);
  });

  it('answers a well-formed id like the safe one, and an unknown one with null', async () => {
    const found = await request(lookupApp()).get('/unvalidated/users').query({ id: '3' });
    expect([found.status, found.body]).toEqual([200, { id: 3, email: 'grace@example.com', age: 45 }]);
    const unknown = await request(lookupApp()).get('/unvalidated/users').query({ id: '999' });
    expect([unknown.status, unknown.body]).toEqual([200, null]);
  });

  it('the validated version answers the same request with 400 naming `id`', async () => {
    const res = await request(lookupApp()).get('/safe/users').query({ id: '1 OR 1=1' });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
  });
});
