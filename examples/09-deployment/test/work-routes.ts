import { type Request, Router } from 'express';
import type pg from 'pg';
import { ValidationError } from '../service/app.js';
import { dependency } from '../service/dependencies.js';

const MAX_MS = 30_000;

/**
 * Routes for demos and tests only, never mounted by the production app: `/api/work?ms=` takes `ms`
 * then touches Postgres (a slow in-flight request at shutdown); `/api/slow-query?ms=` holds a
 * Postgres connection for `ms` (a slow database); `/api/boom` throws (a bug, for error tracking).
 */
export function workRoutes(pool: pg.Pool): Router {
  const router = Router();
  router.get('/work', async (req, res) => {
    const ms = parseMs(req, 100);
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { rows } = await dependency('postgres', () => pool.query<{ ms: number }>('SELECT $1::int AS ms', [ms]));
    res.json({ workedMs: rows[0]?.ms, pid: process.pid });
  });
  router.get('/slow-query', async (req, res) => {
    const ms = parseMs(req, 500);
    await dependency('postgres', () => pool.query('SELECT pg_sleep($1::float / 1000)', [ms]));
    res.json({ sleptMs: ms });
  });
  router.get('/boom', function failingHandler() {
    throw new Error('orders table is on fire');
  });
  return router;
}

function parseMs(req: Request, fallback: number): number {
  const raw = req.query.ms;
  if (raw === undefined) return fallback;
  const ms = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms <= MAX_MS)) throw new ValidationError('ms', `ms must be an integer from 0 to ${MAX_MS}`);
  return ms;
}
