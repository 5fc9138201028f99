import { describe, expect, it } from 'vitest';
import { signAccessToken } from '../jwt/jwt.js';
import { useListeningApp } from '../test/app-support.js';
import { TEST_SECRET, useUsersDatabase } from '../test/support.js';
import { insertUser } from '../users/users.js';

const db = useUsersDatabase('security_app_parts');
const api = useListeningApp(db);
// One request a minute on /api, one proxy in front: each client's budget is its own X-Forwarded-For.
const proxied = useListeningApp(db, { trustProxyHops: 1, limits: { api: { limit: 1 } } });

const post = (url: string, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('createApp: the parts of the composition each request meets', () => {
  it('reads at most 10 kB of JSON: one byte more is a 413 naming the limit', async () => {
    const padding = 'a'.repeat(10 * 1024);
    const res = await post(api.url, '/api/login', JSON.stringify({ email: 'a@example.com', password: padding }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'body is larger than the limit of 10240 bytes',
      fields: [{ field: 'body', message: 'body is larger than the limit of 10240 bytes' }],
    });
  });

  it('answers a path it does not have with a JSON 404', async () => {
    const res = await fetch(`${api.url}/admin`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  it('counts the API limit per client behind the proxy it was told about, and only under /api', async () => {
    const me = (client: string) => fetch(`${proxied.url}/api/me`, { headers: { 'x-forwarded-for': client } });
    expect((await me('198.51.100.1')).status).toBe(401);
    expect((await me('198.51.100.1')).status).toBe(429);
    // Another client behind the same proxy has a budget of its own.
    expect((await me('198.51.100.2')).status).toBe(401);
    // Outside /api nothing is counted: the 404 stays a 404.
    const outside = await Promise.all([1, 2, 3].map(() => fetch(`${proxied.url}/elsewhere`)));
    expect(outside.map((res) => res.status)).toEqual([404, 404, 404]);
  });
});

describe('accountRoutes: what a failed login and a vanished account are told', () => {
  it('a wrong password is a 401 that names neither the email nor the password as the wrong one', async () => {
    const res = await post(
      api.url,
      '/api/login',
      JSON.stringify({ email: 'nobody@example.com', password: 'a long enough guess' }),
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid email or password' });
  });

  it('a valid token for an account deleted since is a 401, not a 404 or a 500', async () => {
    const user = await insertUser(db.pool, { email: 'gone@example.com', passwordHash: 'x' });
    const token = signAccessToken(user, TEST_SECRET);
    const ok = await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await ok.json()).toEqual({ id: user.id, email: 'gone@example.com', age: null });
    await db.pool.query('DELETE FROM users WHERE id = $1', [user.id]);
    const res = await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'account no longer exists' });
  });
});
