import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { TEST_SECRET } from '../test/support.js';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, authenticate, naiveAuthenticate, signAccessToken } from './jwt.js';

const user = { id: 7, email: 'ada@example.com' };

function protectedApp() {
  const app = express();
  const echo: express.RequestHandler = (_req, res) => void res.json({ user: res.locals.user });
  app.get('/fixed', authenticate(TEST_SECRET), echo);
  app.get('/naive', naiveAuthenticate(TEST_SECRET), echo);
  app.use(errorHandler(() => {}));
  return app;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

// Tokens an attacker (or a clock) could present; each is wrong in one way only.
const ours = { issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE, subject: '7' };
const tokens = {
  expired: () => jwt.sign({ email: user.email, role: 'user', exp: now() - 60 }, TEST_SECRET, ours),
  tampered: () => {
    const [header, , signature] = signAccessToken(user, TEST_SECRET).split('.');
    return `${header}.${base64url({ sub: '1', email: 'admin@example.com', exp: now() + 600 })}.${signature}`;
  },
  algNone: () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: '7', exp: now() + 600 })}.`,
  otherSecret: () => signAccessToken(user, 'some-other-secret-0123456789abcdef0123'),
  rs256: () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return jwt.sign({ email: user.email, role: 'user' }, privateKey, { ...ours, algorithm: 'RS256', expiresIn: 600 });
  },
  hs512: () =>
    jwt.sign({ email: user.email, role: 'user' }, TEST_SECRET, { ...ours, algorithm: 'HS512', expiresIn: 600 }),
};

const get = (path: string, authorization?: string) => {
  const req = request(protectedApp()).get(path);
  return authorization === undefined ? req : req.set('Authorization', authorization);
};

describe('jwt: the fixed middleware', () => {
  it('lets a valid, fresh HS256 token through', async () => {
    const res = await get('/fixed', `Bearer ${signAccessToken(user, TEST_SECRET)}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ ...user, role: 'user' });
  });

  it('signs short-lived tokens (15 minutes) with HS256, for this issuer and audience', () => {
    const decoded = jwt.decode(signAccessToken(user, TEST_SECRET), { complete: true });
    expect(decoded?.header.alg).toBe('HS256');
    const payload = decoded?.payload as jwt.JwtPayload;
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(15 * 60);
    expect(payload).toMatchObject({ iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, sub: '7', role: 'user' });
  });

  it('answers a missing token with 401 and a WWW-Authenticate challenge', async () => {
    const res = await get('/fixed');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.error).toMatch(/token/);
  });

  it.each(Object.entries(tokens))('answers a %s token with 401', async (_, token) => {
    const res = await get('/fixed', `Bearer ${token()}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
  });

  it('answers a non-Bearer scheme with 401', async () => {
    expect((await get('/fixed', `Basic ${signAccessToken(user, TEST_SECRET)}`)).status).toBe(401);
  });
});

describe('jwt: the naive middleware (the Q&A version)', () => {
  it('answers an invalid token with 403, telling the client it is known but forbidden', async () => {
    for (const token of [tokens.expired(), tokens.tampered(), tokens.algNone(), tokens.otherSecret()]) {
      const res = await get('/naive', `Bearer ${token}`);
      expect([res.status, res.body]).toEqual([403, { error: 'Invalid token' }]);
    }
  });

  it('answers a request without a token with 401, and without a challenge', async () => {
    for (const res of [await get('/naive'), await get('/naive', 'Bearer')]) {
      expect([res.status, res.body]).toEqual([401, { error: 'Access denied' }]);
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('accepts a token in an algorithm the API never signs with', async () => {
    const res = await get('/naive', `Bearer ${tokens.hs512()}`);
    expect(res.status).toBe(200);
  });

  it('takes the second word of any scheme as the token', async () => {
    const res = await get('/naive', `Basic ${signAccessToken(user, TEST_SECRET)}`);
    expect(res.status).toBe(200);
  });
});
