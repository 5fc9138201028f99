import express from 'express';
import type pg from 'pg';
import type { Logger } from '../correlation/logger.js';
import { ConflictError, NotFoundError, nonEmptyString, positiveInt, ValidationError } from '../http/errors.js';
import { healthRouter, postgresCheck, type ReadinessCheck } from '../http/health.js';
import { createServiceApp, finishServiceApp } from '../http/service-app.js';
import { CLIENT_HEADER } from './gateway.js';
import { idempotencyKeyOf, idempotencyKeysDdl, idempotent, type StoredResponse } from './idempotency-keys.js';

/** user-service owns the `users` schema; no other service reads it directly. */
export const USERS_DDL = `
  CREATE SCHEMA IF NOT EXISTS users;
  CREATE TABLE IF NOT EXISTS users.users (
    id    serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name  text NOT NULL
  );
  ${idempotencyKeysDdl('users')}`;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function createUserApp({
  pool,
  log,
  readiness = {},
}: {
  pool: pg.Pool;
  log: Logger;
  readiness?: Record<string, ReadinessCheck>;
}) {
  const app = createServiceApp();
  app.use(express.json({ limit: '16kb' }));
  app.use(healthRouter({ postgres: postgresCheck(pool), ...readiness }));

  app.get('/users/:id', async (req, res) => {
    const id = positiveInt(req.params.id, 'id');
    const { rows } = await pool.query('SELECT id, email, name FROM users.users WHERE id = $1', [id]);
    log.info('user looked up', { userId: id, found: rows.length === 1 });
    if (rows.length === 0) throw new NotFoundError(`user ${id} not found`);
    res.json(rows[0]);
  });

  // #region create-user
  /** Creates, never renames: an existing email is a 409, so one client cannot overwrite another's user. */
  app.post('/users', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = nonEmptyString(body.email, 'email');
    if (!EMAIL.test(email)) throw new ValidationError('email', 'email must look like name@example.com');
    const name = nonEmptyString(body.name, 'name');
    const createUser = async (db: pg.Pool | pg.PoolClient): Promise<StoredResponse> => {
      const { rows } = await db.query(
        'INSERT INTO users.users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id, email, name',
        [email, name],
      );
      if (!rows[0]) throw new ConflictError('email', `a user with email ${email} already exists`);
      log.info('user created', { userId: rows[0].id });
      return { status: 201, body: rows[0] };
    };
    // A retry with the same key gets the first 201 back, not the 409 its own first attempt caused.
    const key = idempotencyKeyOf(req);
    const scope = `${req.get(CLIENT_HEADER) ?? ''} POST /users`;
    const response = key
      ? await idempotent(pool, { scope, key, request: body }, createUser)
      : { ...(await createUser(pool)), replayed: false };
    if (response.replayed) res.setHeader('idempotent-replayed', 'true');
    res.status(response.status).json(response.body);
  });
  // #endregion create-user

  return finishServiceApp(app, log);
}
