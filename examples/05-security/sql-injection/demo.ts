import { recipe, withServer } from '@cookbook/shared';
import express from 'express';
import pg from 'pg';
import { errorHandler } from '../errors/errors.js';
import { createUsersTable } from '../users/schema.js';
import { userLookupRouter } from '../users/user-lookup.js';
import { unsafeUserLookupRouter } from './unsafe-lookup.js';

export const sqlInjectionDemo = recipe({
  services: ['postgres'],
  title: 'string-built vs validated + parameterized',
  lookFor: 'the unsafe route lists every user, then their password hashes; the safe one says 400 "id".',
  async run({ scratchDatabase, defer, log }) {
    const pool = new pg.Pool({ connectionString: await scratchDatabase('security_sql_injection') });
    defer(() => pool.end());
    await createUsersTable(pool);
    await pool.query(
      `INSERT INTO users (email, password_hash) VALUES ('ada@example.com', '$2b$12$ada-hash'), ('alan@example.com', '$2b$12$alan-hash')`,
    );
    const app = express();
    app.use('/unsafe', unsafeUserLookupRouter(pool));
    app.use('/safe', userLookupRouter(pool));
    app.use(errorHandler());
    await withServer(app, async (url) => {
      for (const payload of ['1 OR 1=1', '0 UNION SELECT 0, password_hash, 0 FROM users']) {
        for (const route of ['unsafe', 'safe']) {
          const res = await fetch(`${url}/${route}/users?id=${encodeURIComponent(payload)}`);
          log(`${route.padEnd(6)} ?id=${payload.padEnd(46)} → ${res.status} ${(await res.text()).slice(0, 120)}`);
        }
      }
    });
    log('sqlmap against the unsafe route: see the README (`pnpm example security api` serves it).');
  },
});
