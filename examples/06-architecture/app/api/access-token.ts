import { createHmac, timingSafeEqual } from 'node:crypto';
import { NotAuthenticatedError } from '../errors.js';

/** Who is calling, as a verified token says. */
export interface Caller {
  userId: number;
  role: 'admin' | 'user';
}

interface Claims {
  sub: number;
  role: Caller['role'];
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest();

function assertStrongSecret(secret: string): void {
  if (Buffer.byteLength(secret) < 32)
    throw new Error('The token secret must be at least 32 bytes (e.g. 32 random bytes, base64url)');
}

/** What a login route would hand out once the password verifies: `<claims>.<HMAC-SHA256>`, base64url. */
export function signAccessToken(caller: Caller, secret: string, { ttlSeconds = 3600, now = Date.now() } = {}): string {
  assertStrongSecret(secret);
  const claims: Claims = { sub: caller.userId, role: caller.role, exp: Math.floor(now / 1000) + ttlSeconds };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

// #region verify-token
/** A verified token's caller and expiry. */
export interface VerifiedToken {
  caller: Caller;
  expiresAt: number;
}

/**
 * Reads `Authorization: Bearer <token>` and returns the caller, or throws NotAuthenticatedError.
 * The signature is compared in constant time, before the claims are even parsed.
 *
 * A client sends the same token for an hour of requests, so a token whose signature held is kept
 * (by its exact text, up to `cacheSize`) and the next request skips the HMAC and the JSON parse.
 * Only verified tokens get in, so a caller without the secret cannot fill it, and expiry is checked
 * on every request, cached or not.
 */
export function createTokenVerifier(
  secret: string,
  clock: () => number = Date.now,
  { cacheSize = 10_000, verified = new Map<string, VerifiedToken>() } = {},
) {
  assertStrongSecret(secret);
  return (authorization: string | undefined): Caller => {
    if (!authorization) throw new NotAuthenticatedError();
    const [scheme, token, extra] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) throw new NotAuthenticatedError();
    let entry = verified.get(token);
    if (!entry) {
      entry = verifySignature(token, secret);
      // Map keeps insertion order: the first key is the oldest one.
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(token, entry);
    }
    if (entry.expiresAt <= clock()) {
      verified.delete(token);
      throw new NotAuthenticatedError('The bearer token has expired');
    }
    return entry.caller;
  };
}
// #endregion verify-token

function verifySignature(token: string, secret: string): VerifiedToken {
  const parts = token.split('.');
  if (parts.length !== 2) throw new NotAuthenticatedError('The bearer token is not valid');
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new NotAuthenticatedError('The bearer token is not valid');
  const claims = parseClaims(payload);
  // Frozen: every request with this token gets this object, so no one may change it.
  return { caller: Object.freeze({ userId: claims.sub, role: claims.role }), expiresAt: claims.exp * 1000 };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

function parseClaims(payload: string): Claims {
  try {
    const { sub, role, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims>;
    if (Number.isSafeInteger(sub) && (role === 'admin' || role === 'user') && typeof exp === 'number')
      return { sub: sub as number, role, exp };
  } catch {
    // Signed by us yet unreadable: treated as not valid, like any other bad token.
  }
  throw new NotAuthenticatedError('The bearer token is not valid');
}
