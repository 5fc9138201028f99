import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { useListeningApp } from '../test/app-support.js';
import { TEST_SECRET, useUsersDatabase } from '../test/support.js';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, authenticate } from './jwt.js';

const db = useUsersDatabase('security_forged_claims');
const api = useListeningApp(db);
const now = () => Math.floor(Date.now() / 1000);

/**
 * A token signed with the API's own secret and algorithm, every claim right except what
 * `change` says: what another service sharing the secret, or a bug in a signer, could produce.
 */
function forged(change: Record<string, unknown>): string {
  const claims: Record<string, unknown> = {
    sub: '7',
    email: 'ada@example.com',
    role: 'user',
    iss: ACCESS_TOKEN_ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    iat: now(),
    exp: now() + 600,
    ...change,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return jwt.sign(claims, TEST_SECRET, { algorithm: 'HS256' });
}

const FORGED: [string, Record<string, unknown>][] = [
  ['another issuer', { iss: 'https://some-other-service.example' }],
  ['no issuer', { iss: undefined }],
  ['another audience', { aud: 'billing-api' }],
  ['no audience', { aud: undefined }],
  ['no expiry (it would never expire)', { exp: undefined }],
  ['issued an hour ago, with an expiry far away', { iat: now() - 3600, exp: now() + 86_400 }],
  ['a non-numeric subject', { sub: 'abc' }],
  ['a subject in exponent form', { sub: '1e3' }],
  ['subject 0', { sub: '0' }],
  ['a subject beyond the id column', { sub: '2147483648' }],
  ['a subject too long to be an id', { sub: '99999999999' }],
  ['a numeric, not string, subject', { sub: 7 }],
  ['no subject', { sub: undefined }],
  ['an unknown role', { role: 'root' }],
];

describe('jwt: a validly signed token with the wrong claims is refused', () => {
  it('accepts the control: every claim right', async () => {
    const app = express().get('/', authenticate(TEST_SECRET), (_req, res) => void res.json(res.locals.user));
    expect(
      (
        await request(app)
          .get('/')
          .set('Authorization', `Bearer ${forged({})}`)
      ).status,
    ).toBe(200);
  });

  it.each(FORGED)('%s → 401 with a JSON error', async (_, change) => {
    const app = express().get('/', authenticate(TEST_SECRET), (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler(() => {}));
    const res = await request(app)
      .get('/')
      .set('Authorization', `Bearer ${forged(change)}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
    expect(res.body).toEqual({ error: 'invalid or expired token' });
  });

  it.each(FORGED)('%s → 401 from the composed API, never a 500', async (_, change) => {
    const token = forged(change);
    for (const path of ['/api/me', '/api/users?id=7']) {
      const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid or expired token' });
    }
    expect(api.serverErrors).toEqual([]);
  });
});
