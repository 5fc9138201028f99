import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requireAdmin, requireSelfOrAdmin } from '../app/api/access-policy.js';
import { createTokenVerifier, signAccessToken, type VerifiedToken } from '../app/api/access-token.js';
import { ForbiddenError, NotAuthenticatedError } from '../app/errors.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes';
const NOW = Date.UTC(2026, 0, 1);
const verify = createTokenVerifier(SECRET, () => NOW);
const token = (ttlSeconds = 60) => signAccessToken({ userId: 7, role: 'user' }, SECRET, { ttlSeconds, now: NOW });

describe('HMAC-signed access tokens', () => {
  it('a token we signed verifies to its caller, whatever the case of "Bearer"', () => {
    expect(verify(`Bearer ${token()}`)).toEqual({ userId: 7, role: 'user' });
    expect(verify(`bearer ${token()}`)).toEqual({ userId: 7, role: 'user' });
  });

  it.each([
    ['no header', undefined, 'Send Authorization'],
    ['another scheme', 'Basic YWRhOmFkYQ==', 'Send Authorization'],
    ['a token with extra words', `Bearer ${token()} please`, 'Send Authorization'],
    ['claims edited after signing', `Bearer ${edit(token(), { role: 'admin' })}`, 'not valid'],
    [
      'a token signed with another secret',
      `Bearer ${signAccessToken({ userId: 7, role: 'admin' }, 'x'.repeat(32))}`,
      'not valid',
    ],
    ['a signature cut short', `Bearer ${token().slice(0, -4)}`, 'not valid'],
    [
      'a role we never issue, correctly signed',
      `Bearer ${signed({ sub: 7, role: 'root', exp: NOW / 1000 + 60 })}`,
      'not valid',
    ],
    ['an expired token', `Bearer ${token(-1)}`, 'has expired'],
    ['a token with a third part', `Bearer ${token()}.extra`, 'not valid'],
    ['a token with no signature part', 'Bearer justonepart', 'not valid'],
    ['a correctly signed token without an expiry', `Bearer ${signed({ sub: 7, role: 'user' })}`, 'not valid'],
  ])('%s is NotAuthenticatedError (%s)', (_what, header, message) => {
    expect(() => verify(header)).toThrow(NotAuthenticatedError);
    expect(() => verify(header)).toThrow(message);
  });

  it('refuses a secret too short to resist guessing, naming the length it needs', () => {
    expect(() => createTokenVerifier('secret')).toThrow(/at least 32 bytes/);
  });
});

describe('the verified-token cache', () => {
  const cachedVerifier = (cacheSize = 10) => {
    const clock = { now: NOW };
    const verified = new Map<string, VerifiedToken>();
    return { clock, verified, verify: createTokenVerifier(SECRET, () => clock.now, { cacheSize, verified }) };
  };

  it('keeps a token once its signature held, and a hit is not verified again', () => {
    const { verify, verified } = cachedVerifier();
    expect(() => verify(`Bearer ${edit(token(), { role: 'admin' })}`)).toThrow('not valid');
    expect(verified.size).toBe(0); // a forged token never gets in
    verify(`Bearer ${token()}`);
    expect([...verified.keys()]).toEqual([token()]);
    // What the cache holds is trusted as it is: the HMAC is skipped on a hit.
    verified.set('unsigned', { caller: { userId: 9, role: 'admin' }, expiresAt: NOW + 1000 });
    expect(verify('Bearer unsigned')).toEqual({ userId: 9, role: 'admin' });
  });

  it('still expires a cached token, and forgets it', () => {
    const { verify, verified, clock } = cachedVerifier();
    expect(verify(`Bearer ${token(60)}`)).toEqual({ userId: 7, role: 'user' });
    clock.now += 60_000;
    expect(() => verify(`Bearer ${token(60)}`)).toThrow('has expired');
    expect(verified.size).toBe(0);
  });

  it('holds at most cacheSize tokens, dropping the oldest first', () => {
    const { verify, verified } = cachedVerifier(2);
    const tokens = [60, 61, 62].map((ttl) => token(ttl));
    for (const t of tokens) verify(`Bearer ${t}`);
    expect([...verified.keys()]).toEqual(tokens.slice(1));
  });

  it('hands every request the same caller, frozen so no request can change it for the next', () => {
    const { verify } = cachedVerifier();
    const caller = verify(`Bearer ${token()}`);
    expect(verify(`Bearer ${token()}`)).toBe(caller);
    expect(Object.isFrozen(caller)).toBe(true);
  });
});

describe('the access policy', () => {
  it('admin for changes; a user only for their own record', () => {
    expect(() => requireAdmin({ userId: 1, role: 'admin' }, 'delete users')).not.toThrow();
    expect(() => requireAdmin({ userId: 1, role: 'user' }, 'delete users')).toThrow(ForbiddenError);
    expect(() => requireSelfOrAdmin({ userId: 7, role: 'user' }, 7, 'rename')).not.toThrow();
    expect(() => requireSelfOrAdmin({ userId: 7, role: 'user' }, 8, 'rename')).toThrow(ForbiddenError);
    expect(() => requireSelfOrAdmin({ userId: 1, role: 'admin' }, 8, 'rename')).not.toThrow();
  });
});

/** Replaces claims but keeps the old signature: what a client trying to promote itself would send. */
function edit(signedToken: string, change: object): string {
  const [payload = '', signature] = signedToken.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...change };
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

/** Signs arbitrary claims with the real secret, to test what the verifier accepts once the signature holds. */
function signed(claims: object): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
}
