import express, { type Express } from 'express';
import type { Pool } from 'pg';
import type { UserCache } from './user-cache.js';
import { renameUserRow } from './users-table.js';

// #region invalidate
/** Write to the database first, then drop the cached copy: readers never see the old name for long. */
export async function renameUser(pool: Pool, cache: UserCache, id: number, name: string): Promise<void> {
  await renameUserRow(pool, id, name);
  await cache.invalidate(id);
}
// #endregion invalidate

/** GET /users/:id through the cache: 404 for a missing user, 400 naming `id` for a malformed one. */
export function createUserApp(cache: UserCache): Express {
  const app = express();
  app.get('/users/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) {
      res.status(400).json({ error: 'id must be a positive integer', field: 'id' });
      return;
    }
    const user = await cache.get(id);
    if (user) res.json(user);
    else res.status(404).json({ error: `user ${id} not found`, field: 'id' });
  });
  return app;
}
