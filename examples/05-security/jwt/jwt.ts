import type { RequestHandler } from 'express';
import Joi from 'joi';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../errors/errors.js';
import { ROLES, type Role } from '../schemas/schemas.js';

/** The one algorithm this API signs with; verify accepts nothing else. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Who issues our tokens and who they are for: a token minted for another service is not ours. */
export const ACCESS_TOKEN_ISSUER = 'cookbook-security';
export const ACCESS_TOKEN_AUDIENCE = 'cookbook-security-api';

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
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

// #region verify-token
/**
 * A signature proves who wrote a token, not what is in it: the claims are checked like any
 * other input. `sub` must be a user id as the users table has them, digits only, so `abc`,
 * `1e3` or `0` never reach a query.
 */
const accessTokenClaims = Joi.object({
  sub: Joi.string()
    .pattern(/^[1-9][0-9]{0,9}$/)
    .custom((sub: string, helpers) => (Number(sub) <= 2_147_483_647 ? sub : helpers.error('any.invalid')))
    .required(),
  email: Joi.string().required(),
  role: Joi.string()
    .valid(...ROLES)
    .required(),
  // jsonwebtoken refuses an expired token but accepts one without `exp`, which never expires.
  exp: Joi.number().required(),
}).unknown(true);

/** The user a token names, or undefined for any token this API did not issue as it is now. */
export function verifyAccessToken(token: string, secret: string): TokenUser | undefined {
  try {
    const payload = jwt.verify(token, secret, {
      algorithms: [ACCESS_TOKEN_ALGORITHM], // pinned: refuses `alg: none` and every algorithm we did not choose
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      maxAge: ACCESS_TOKEN_TTL_SECONDS, // requires `iat`: no token lives longer than we sign them for
    });
    const { error, value } = accessTokenClaims.validate(payload);
    if (error) return undefined;
    const claims = value as { sub: string; email: string; role: Role };
    return { id: Number(claims.sub), email: claims.email, role: claims.role };
  } catch {
    return undefined;
  }
}
// #endregion verify-token

/**
 * Requires `Authorization: Bearer <token>`. Every failure (missing, malformed, expired, bad
 * signature, wrong algorithm, issuer, audience or claims) is 401: the client is not
 * authenticated. 403 means "we know who you are and you may not do this", which an invalid
 * token cannot establish.
 */
// #region authenticate
export function authenticate(secret: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new UnauthorizedError('missing bearer token'));
      return;
    }
    const user = verifyAccessToken(match[1], secret);
    if (!user) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      next(new UnauthorizedError('invalid or expired token'));
      return;
    }
    res.locals.user = user;
    next();
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
