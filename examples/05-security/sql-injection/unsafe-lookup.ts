import { type Request, Router } from 'express';
import type { Pool } from 'pg';

/**
 * The Q&A's ❌: the id is pasted into the SQL text. `1 OR 1=1` returns every row, a UNION
 * reads any other column or table, and because a query without parameters goes over
 * Postgres' simple protocol, `1; INSERT ...` runs a second statement too.
 */
// #region unsafe-lookup
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

/**
 * The Q&A's ✅ as written: parameterized, so nothing is injected, but `req.query.id` goes to
 * `$1` unchecked. `1 OR 1=1` reaches Postgres as a value for an integer column, fails with
 * 22P02 (invalid input syntax), and the client's typo becomes the server's 500.
 */
// #region unvalidated-lookup
export function unvalidatedUserLookupRouter(pool: Pool): Router {
  const router = Router();
  router.get('/users', async (req, res) => {
    const { rows } = await pool.query('SELECT id, email, age FROM users WHERE id = $1', [req.query.id]);
    res.json(rows[0] ?? null);
  });
  return router;
}
// #endregion unvalidated-lookup
