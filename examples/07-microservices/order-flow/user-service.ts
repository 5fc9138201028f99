import express from 'express';
import type pg from 'pg';
import { correlationMiddleware } from '../correlation/correlation.js';
import type { Logger } from '../correlation/logger.js';
import { errorHandler, NotFoundError, nonEmptyString, positiveInt, ValidationError } from '../http/errors.js';
import { healthRouter, postgresCheck } from '../http/health.js';

/** user-service owns the `users` schema; no other service reads it directly. */
export const USERS_DDL = `
  CREATE SCHEMA IF NOT EXISTS users;
  CREATE TABLE IF NOT EXISTS users.users (
    id    serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name  text NOT NULL
  )`;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function createUserApp({ pool, log }: { pool: pg.Pool; log: Logger }) {
  const app = express();
  app.use(correlationMiddleware, express.json({ limit: '16kb' }));
  app.use(healthRouter({ postgres: postgresCheck(pool) }));

  app.get('/users/:id', async (req, res) => {
    const id = positiveInt(req.params.id, 'id');
    const { rows } = await pool.query('SELECT id, email, name FROM users.users WHERE id = $1', [id]);
    log.info('user looked up', { userId: id, found: rows.length === 1 });
    if (rows.length === 0) throw new NotFoundError(`user ${id} not found`);
    res.json(rows[0]);
  });

  app.post('/users', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = nonEmptyString(body.email, 'email');
    if (!EMAIL.test(email)) throw new ValidationError('email', 'email must look like name@example.com');
    const name = nonEmptyString(body.name, 'name');
    const { rows } = await pool.query(
      `INSERT INTO users.users (email, name) VALUES ($1, $2)
       ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id, email, name`,
      [email, name],
    );
    log.info('user saved', { userId: rows[0]?.id });
    res.status(201).json(rows[0]);
  });

  app.use(errorHandler(log));
  return app;
}
