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
/**
 * Reads `Authorization: Bearer <token>` and returns the caller, or throws NotAuthenticatedError.
 * The signature is compared in constant time, before the claims are even parsed.
 */
export function createTokenVerifier(secret: string, clock: () => number = Date.now) {
  assertStrongSecret(secret);
  return (authorization: string | undefined): Caller => {
    const [scheme, token, extra] = (authorization ?? '').split(' ');
    if (!authorization || scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined)
      throw new NotAuthenticatedError();
    const [payload = '', signature = '', ...rest] = token.split('.');
    const given = Buffer.from(signature, 'base64url');
    const expected = sign(payload, secret);
    if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new NotAuthenticatedError('The bearer token is not valid');
    const claims = parseClaims(payload);
    if (claims.exp * 1000 <= clock()) throw new NotAuthenticatedError('The bearer token has expired');
    return { userId: claims.sub, role: claims.role };
  };
}
// #endregion verify-token

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
