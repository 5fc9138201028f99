import { Router } from 'express';
import type { Pool } from 'pg';
import { type UserLookupInput, userLookupSchema } from '../schemas/schemas.js';
import { validate } from '../validation/validation.js';
import { findUserById, type PublicUser } from './users.js';

// #region safe-lookup
/**
 * The ✅, done fully: the id is validated as an integer first (so `1 OR 1=1` is a 400 naming
 * `id`, not a Postgres type error turned 500), then sent as a parameter, which Postgres never
 * parses as SQL.
 */
export function userLookupRouter(pool: Pool): Router {
  const router = Router();
  router.get('/users', validate(userLookupSchema, 'query'), async (_req, res) => {
    const { id } = res.locals.query as UserLookupInput;
    const user = await findUserById(pool, id);
    if (!user) {
      res.status(404).json({ error: 'user not found', field: 'id' });
      return;
    }
    res.json(user satisfies PublicUser);
  });
  return router;
}
// #endregion safe-lookup
