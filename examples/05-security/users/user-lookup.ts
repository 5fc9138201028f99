import { type Request, Router } from 'express';
import type { Pool } from 'pg';
import { type UserLookupInput, userLookupSchema } from './schemas.js';
import { findUserById, type PublicUser } from './users.js';
import { validate } from './validation.js';

// #region unsafe-lookup
/**
 * The Q&A's ❌: the id is pasted into the SQL text. `1 OR 1=1` returns every row, a UNION
 * reads any other column or table, and because a query without parameters goes over
 * Postgres' simple protocol, `1; INSERT ...` runs a second statement too.
 */
export async function unsafeFindUsers(pool: Pool, id: string): Promise<unknown[]> {
  const result = await pool.query(`SELECT id, email, age FROM users WHERE id = ${id}`);
  // Stacked statements come back as one result per statement.
  return Array.isArray(result) ? result.flatMap((r: { rows: unknown[] }) => r.rows) : result.rows;
}
// #endregion unsafe-lookup

/** Kept only to be attacked by the tests and the sqlmap demo; never mounted by createApp(). */
export function unsafeUserLookupRouter(pool: Pool): Router {
  const router = Router();
  router.get('/users', async (req: Request, res) => {
    const id = typeof req.query.id === 'string' ? req.query.id : '0';
    res.json(await unsafeFindUsers(pool, id));
  });
  return router;
}

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
