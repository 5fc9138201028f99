import { type Response, Router } from 'express';
import type { Pool } from 'pg';
import { NotFoundError, UnauthorizedError } from '../errors/errors.js';
import { type Role, type UserLookupInput, userLookupSchema } from '../schemas/schemas.js';
import { validate } from '../validation/validation.js';
import { findUserById, type PublicUser } from './users.js';

/** Who is asking, as the authentication middleware left it in `res.locals.user`. */
export interface Requester {
  id: number;
  role: Role;
}

// #region can-read-user
/** Object-level authorisation: the token says who is asking, this says whether they may see this record. */
export function canReadUser(requester: Requester, userId: number): boolean {
  return requester.role === 'admin' || requester.id === userId;
}
// #endregion can-read-user

/** Fails closed: mounted without authentication in front of it, the route refuses everyone. */
function requesterOf(res: Response): Requester {
  const requester = res.locals.user as Requester | undefined;
  if (!requester) throw new UnauthorizedError('missing bearer token');
  return requester;
}

/**
 * The ✅, done fully: the id is validated as an integer first (so `1 OR 1=1` is a 400 naming
 * `id`, not a Postgres type error turned 500), then sent as a parameter, which Postgres never
 * parses as SQL. Another user's record answers exactly like a missing one.
 */
// #region safe-lookup
export function userLookupRouter(pool: Pool): Router {
  const router = Router();
  router.get('/users', validate(userLookupSchema, 'query'), async (_req, res) => {
    const { id } = res.locals.query as UserLookupInput;
    const user = canReadUser(requesterOf(res), id) ? await findUserById(pool, id) : undefined;
    // 404 and not 403 for someone else's id: a 403 would confirm the id exists.
    if (!user) throw new NotFoundError('user not found', 'id');
    res.json(user satisfies PublicUser);
  });
  return router;
}
// #endregion safe-lookup
