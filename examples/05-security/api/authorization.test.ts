import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { authenticate, signAccessToken } from '../jwt/jwt.js';
import { useListeningApp } from '../test/app-support.js';
import { TEST_SECRET, useUsersDatabase } from '../test/support.js';
import { userLookupRouter } from '../users/user-lookup.js';
import { tokenOnlyUserLookupRouter } from './token-only-lookup.js';

const db = useUsersDatabase('security_authorization');
const api = useListeningApp(db);

async function call(path: string, init: { body?: object; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${api.url}${path}`, {
    method: init.body ? 'POST' : 'GET',
    headers,
    body: init.body ? JSON.stringify(init.body) : null,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Registers, logs in, and returns the account's id and a token. */
async function account(email: string, password = 'long enough password') {
  await call('/api/register', { body: { email, password } });
  const { body } = await call('/api/login', { body: { email, password } });
  const token = String(body.accessToken);
  const me = await call('/api/me', { token });
  return { id: Number(me.body.id), token };
}

describe('authorisation: the object is checked, not only the token (BOLA)', () => {
  it("a user reads their own record, and gets 404 for another user's, exactly as for a missing one", async () => {
    const ada = await account('ada@example.com');
    const alan = await account('alan@example.com');
    expect((await call(`/api/users?id=${ada.id}`, { token: ada.token })).status).toBe(200);
    const others = await call(`/api/users?id=${alan.id}`, { token: ada.token });
    const missing = await call('/api/users?id=999999', { token: ada.token });
    // 404, not 403: a 403 would confirm the id exists, so ids could be probed one by one.
    expect(others.status).toBe(404);
    expect(others.body).toEqual(missing.body);
    expect(missing.body).toEqual({ error: 'user not found', field: 'id' });
    expect(JSON.stringify(others.body)).not.toContain('alan');
  });

  it("an admin reads any user's record", async () => {
    const grace = await account('grace@example.com');
    const admin = await account('admin@example.com');
    await db.pool.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.id]);
    // The role is in the token, so it takes a new login to carry it.
    const { body } = await call('/api/login', {
      body: { email: 'admin@example.com', password: 'long enough password' },
    });
    const res = await call(`/api/users?id=${grace.id}`, { token: String(body.accessToken) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: grace.id, email: 'grace@example.com' });
  });

  it('a role sent at sign-up is dropped: nobody makes themselves admin', async () => {
    await call('/api/register', {
      body: { email: 'mallory@example.com', password: 'long enough password', role: 'admin' },
    });
    const { rows } = await db.pool.query("SELECT role FROM users WHERE email = 'mallory@example.com'");
    expect(rows).toEqual([{ role: 'user' }]);
  });
});

describe('authorisation: the lookup fails closed', () => {
  it('mounted without authentication in front of it, it refuses everyone with 401', async () => {
    const app = express()
      .use(userLookupRouter(db.pool))
      .use(errorHandler(() => {}));
    const res = await request(app).get('/users?id=1');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'missing bearer token' });
  });
});

describe('authorisation: the token-only lookup (the pitfall)', () => {
  it("lets any logged-in user read another user's record", async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      "INSERT INTO users (email, password_hash) VALUES ('victim@example.com', 'x') RETURNING id",
    );
    const victim = rows[0]?.id;
    const app = express()
      .use(authenticate(TEST_SECRET), tokenOnlyUserLookupRouter(db.pool))
      .use(errorHandler(() => {}));
    const attacker = signAccessToken({ id: 424242, email: 'attacker@example.com' }, TEST_SECRET);
    const res = await request(app).get(`/users?id=${victim}`).set('Authorization', `Bearer ${attacker}`);
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('victim@example.com');
  });

  it('answers an id nobody has with the same 404 as the safe lookup', async () => {
    const app = express()
      .use(authenticate(TEST_SECRET), tokenOnlyUserLookupRouter(db.pool))
      .use(errorHandler(() => {}));
    const token = signAccessToken({ id: 424242, email: 'attacker@example.com' }, TEST_SECRET);
    const res = await request(app).get('/users?id=999999').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'user not found', field: 'id' });
  });
});
