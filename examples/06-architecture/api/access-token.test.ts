import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requireAdmin, requireSelfOrAdmin } from '../app/api/access-policy.js';
import { createTokenVerifier, signAccessToken } from '../app/api/access-token.js';
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
  ])('%s is NotAuthenticatedError (%s)', (_what, header, message) => {
    expect(() => verify(header)).toThrow(NotAuthenticatedError);
    expect(() => verify(header)).toThrow(message);
  });

  it('refuses a secret too short to resist guessing, naming the length it needs', () => {
    expect(() => createTokenVerifier('secret')).toThrow(/at least 32 bytes/);
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
