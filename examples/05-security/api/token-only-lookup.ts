import { Router } from 'express';
import type { Pool } from 'pg';
import { NotFoundError } from '../errors/errors.js';
import { type UserLookupInput, userLookupSchema } from '../schemas/schemas.js';
import { findUserById } from '../users/users.js';
import { validate } from '../validation/validation.js';

// #region token-only-lookup
/**
 * The pitfall (broken object-level authorisation, OWASP API1): validated, parameterized, behind
 * a valid token, and still any logged-in user reads any user's record by counting ids.
 */
export function tokenOnlyUserLookupRouter(pool: Pool): Router {
  const router = Router();
  router.get('/users', validate(userLookupSchema, 'query'), async (_req, res) => {
    const user = await findUserById(pool, (res.locals.query as UserLookupInput).id);
    if (!user) throw new NotFoundError('user not found', 'id');
    res.json(user);
  });
  return router;
}
// #endregion token-only-lookup
