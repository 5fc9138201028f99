import { recipe, withServer } from '@cookbook/shared';
import express from 'express';
import pg from 'pg';
import { errorHandler } from '../errors/errors.js';
import { createUsersTable } from '../users/schema.js';
import { userLookupRouter } from '../users/user-lookup.js';
import { unsafeUserLookupRouter, unvalidatedUserLookupRouter } from './unsafe-lookup.js';

export const sqlInjectionDemo = recipe({
  services: ['postgres'],
  title: 'string-built vs validated + parameterized',
  lookFor:
    'the unsafe route lists every user, then their hashes; the unvalidated one answers 500; the safe one 400 naming "id".',
  async run({ scratchDatabase, defer, log }) {
    const pool = new pg.Pool({ connectionString: await scratchDatabase('security_sql_injection') });
    defer(() => pool.end());
    await createUsersTable(pool);
    await pool.query(
      `INSERT INTO users (email, password_hash) VALUES ('ada@example.com', '$2b$12$ada-hash'), ('alan@example.com', '$2b$12$alan-hash')`,
    );
    const app = express();
    app.use('/unsafe', unsafeUserLookupRouter(pool));
    app.use('/unvalidated', unvalidatedUserLookupRouter(pool));
    // Stands in for a logged-in admin, so only injection is in play.
    app.use('/safe', (_req, res, next) => {
      res.locals.user = { id: 1, role: 'admin' };
      next();
    });
    app.use('/safe', userLookupRouter(pool));
    app.use(errorHandler(() => {}));
    await withServer(app, async (url) => {
      for (const payload of ['1 OR 1=1', '0 UNION SELECT 0, password_hash, 0 FROM users']) {
        for (const route of ['unsafe', 'unvalidated', 'safe']) {
          const res = await fetch(`${url}/${route}/users?id=${encodeURIComponent(payload)}`);
          log(`${route.padEnd(11)} ?id=${payload.padEnd(46)} → ${res.status} ${(await res.text()).slice(0, 100)}`);
        }
      }
    });
    log('sqlmap: `pnpm example security api --with-injectable-route` serves the unsafe route (see the README).');
  },
});
