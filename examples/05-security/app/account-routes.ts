import { Router } from 'express';
import type { Pool } from 'pg';
import { UnauthorizedError } from '../errors/errors.js';
import { ACCESS_TOKEN_TTL_SECONDS, authenticate, signAccessToken, type TokenUser } from '../jwt/jwt.js';
import type { Mailer } from '../passwords/mailer.js';
import { createCredentialCheck, DEFAULT_BCRYPT_COST } from '../passwords/passwords.js';
import { createSignUp, SIGN_UP_ACCEPTED } from '../passwords/sign-up.js';
import { type LimiterOptions, loginLimiter } from '../rate-limit/rate-limit.js';
import { type LoginInput, loginSchema, type RegisterInput, registerSchema } from '../schemas/schemas.js';
import { findUserById } from '../users/users.js';
import { validate } from '../validation/validation.js';

export interface AccountRoutesOptions {
  pool: Pool;
  mailer: Mailer;
  jwtSecret: string;
  bcryptCost?: number;
  loginLimit?: LimiterOptions;
}

// #region account-routes
export function accountRoutes(options: AccountRoutesOptions): Router {
  const { pool, jwtSecret, bcryptCost = DEFAULT_BCRYPT_COST } = options;
  const verify = createCredentialCheck(pool, bcryptCost);
  const signUp = createSignUp(pool, options.mailer, bcryptCost);
  const router = Router();

  router.post('/register', validate(registerSchema, 'body'), async (_req, res) => {
    await signUp(res.locals.body as RegisterInput);
    // 202 and one body for new and known addresses alike: the mail tells the owner which it was.
    res.status(202).json(SIGN_UP_ACCEPTED);
  });

  router.post('/login', loginLimiter(options.loginLimit), validate(loginSchema, 'body'), async (_req, res) => {
    const { email, password } = res.locals.body as LoginInput;
    const user = await verify(email, password);
    // One message for unknown email and wrong password: the body reveals no more than the timing.
    if (!user) throw new UnauthorizedError('invalid email or password');
    const accessToken = signAccessToken(user, jwtSecret);
    res.json({ accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS });
  });

  router.get('/me', authenticate(jwtSecret), async (_req, res) => {
    const { id } = res.locals.user as TokenUser;
    const user = await findUserById(pool, id);
    if (!user) throw new UnauthorizedError('account no longer exists');
    res.json(user);
  });
  return router;
}
// #endregion account-routes
