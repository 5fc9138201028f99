import { describe, expect, it } from 'vitest';
import { SIGN_UP_ACCEPTED } from '../passwords/sign-up.js';
import { ALLOWED_ORIGIN, useListeningApp } from '../test/app-support.js';
import { useUsersDatabase } from '../test/support.js';

const db = useUsersDatabase('security_app');
const api = useListeningApp(db, { limits: { login: { limit: 3 } } });

/** Every body the API sent during this file, to check no hash ever left the server. */
const bodies: string[] = [];

async function call(path: string, init: { body?: object; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${api.url}${path}`, {
    method: init.body ? 'POST' : 'GET',
    headers,
    body: init.body ? JSON.stringify(init.body) : null,
  });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

describe('the hardened API, end to end', () => {
  const ada = { email: 'ada@example.com', password: 'analytical engine' };
  let token = '';

  it('registers a user and answers without the password hash', async () => {
    const res = await call('/api/register', { body: { ...ada, age: 36, isAdmin: true } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(SIGN_UP_ACCEPTED);
    const { rows } = await db.pool.query('SELECT email, age, role FROM users');
    expect(rows).toEqual([{ email: ada.email, age: 36, role: 'user' }]);
  });

  it('answers a second sign-up for the same email exactly like the first, and mails the owner', async () => {
    const res = await call('/api/register', { body: { ...ada, password: 'someone elses password' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(SIGN_UP_ACCEPTED);
    expect(api.outbox.map((m) => [m.to, m.subject])).toEqual([
      [ada.email, 'Welcome'],
      [ada.email, 'Someone tried to sign up with your address'],
    ]);
  });

  it('logs in and returns a Bearer token', async () => {
    const res = await call('/api/login', { body: ada });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    token = String(res.body.accessToken);
  });

  it('serves the protected routes with the token, and 401 without it', async () => {
    expect((await call('/api/me', { token })).body).toMatchObject({ email: ada.email });
    const me = await call('/api/me', { token });
    const lookup = await call(`/api/users?id=${me.body.id}`, { token });
    expect(lookup.body).toEqual({ id: me.body.id, email: ada.email, age: 36 });
    expect((await call('/api/me')).status).toBe(401);
    expect((await call('/api/users?id=1')).status).toBe(401);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await call('/api/login', { body: { email: 'nobody@example.com', password: 'whatever1' } });
    const wrong = await call('/api/login', { body: { email: ada.email, password: 'whatever1' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks login after the failed-attempt budget with 429 and Retry-After', async () => {
    // Two failures above, the limit is 3: one more failure, then the door closes.
    expect((await call('/api/login', { body: { ...ada, password: 'wrong-again' } })).status).toBe(401);
    const locked = await call('/api/login', { body: ada });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('carries the security headers and the CORS allow-list', async () => {
    const allowed = await call('/api/me', { token, headers: { origin: ALLOWED_ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(allowed.headers.get('x-powered-by')).toBeNull();
    const other = await call('/api/me', { token, headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never sent a password hash or a password in any response of this file', async () => {
    const { rows } = await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(rows.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body).not.toMatch(/\$2[aby]\$/);
      expect(body).not.toContain(ada.password);
      for (const row of rows) expect(body).not.toContain(row.password_hash);
    }
  });
});

describe('the hardened API, order of defences', () => {
  const strict = useListeningApp(db, { limits: { api: { limit: 1 } } });

  it('rate-limits before reading the body: over budget, broken JSON gets 429, not 400', async () => {
    expect((await fetch(`${strict.url}/api/me`)).status).toBe(401);
    const res = await fetch(`${strict.url}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(res.status).toBe(429);
  });
});
