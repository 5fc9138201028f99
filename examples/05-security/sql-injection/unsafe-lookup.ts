import { type Request, Router } from 'express';
import type { Pool } from 'pg';

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
