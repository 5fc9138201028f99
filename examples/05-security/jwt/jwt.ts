import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../errors/errors.js';
import { ROLES, type Role } from '../schemas/schemas.js';

/** The one algorithm this API signs with; verify accepts nothing else. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface TokenUser {
  id: number;
  email: string;
  role: Role;
}

export function signAccessToken(
  user: Omit<TokenUser, 'role'> & { role?: Role },
  secret: string,
  ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
): string {
  return jwt.sign({ email: user.email, role: user.role ?? 'user' }, secret, {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    subject: String(user.id),
    expiresIn: ttlSeconds,
  });
}

// #region authenticate
/**
 * Requires `Authorization: Bearer <token>`. Every failure (missing, malformed, expired, bad
 * signature, wrong algorithm) is 401: the client is not authenticated. 403 means "we know who
 * you are and you may not do this", which an invalid token cannot establish.
 */
export function authenticate(secret: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new UnauthorizedError('missing bearer token'));
      return;
    }
    try {
      // Pinning the algorithm refuses `alg: none` and any algorithm we did not choose.
      const claims = jwt.verify(match[1], secret, { algorithms: [ACCESS_TOKEN_ALGORITHM] });
      if (typeof claims === 'string' || typeof claims.sub !== 'string') throw new Error('no subject');
      if (!ROLES.includes(claims.role)) throw new Error('no role');
      res.locals.user = { id: Number(claims.sub), email: String(claims.email), role: claims.role } satisfies TokenUser;
      next();
    } catch {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      next(new UnauthorizedError('invalid or expired token'));
    }
  };
}
// #endregion authenticate

// #region naive-authenticate
/** The Q&A's middleware: 403 for a bad token, and any HMAC algorithm the library allows. */
export function naiveAuthenticate(secret: string): RequestHandler {
  return (req, res, next) => {
    const token = req.headers.authorization?.split(' ')[1];
    if (!token) {
      res.status(401).json({ error: 'Access denied' });
      return;
    }
    try {
      res.locals.user = jwt.verify(token, secret);
      next();
    } catch {
      res.status(403).json({ error: 'Invalid token' });
    }
  };
}
// #endregion naive-authenticate
