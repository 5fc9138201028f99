import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { type Check, healthRoutes, type Lifecycle, postgresCheck, redisCheck } from '../health/health.js';
import type { Logger } from '../logging/logger.js';
import { errorHandler, requestLogging } from '../logging/request-logging.js';
import { afterDeadline, requestDeadline } from './deadline.js';
import { dependency, dependencyErrors } from './dependencies.js';

export interface AppDeps {
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  lifecycle: Lifecycle;
  healthCheckTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Bad input: named so the client can fix it, answered with a 400 rather than a 500. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_WORK_MS = 30_000;

// #region create-app
/** The small service every practice of this chapter wraps: Express over Postgres and Redis. */
export function createApp(deps: AppDeps): Express {
  const { pool, redis, logger, lifecycle, healthCheckTimeoutMs, requestTimeoutMs } = deps;
  const checks: Record<string, Check> = { postgres: postgresCheck(pool), redis: redisCheck(redis) };
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(requestDeadline(requestTimeoutMs));
  app.use(healthRoutes(checks, healthCheckTimeoutMs, lifecycle));
  app.get('/api/time', async (_req, res) => {
    const [{ rows }, hits] = await Promise.all([
      dependency('postgres', () => pool.query<{ now: Date }>('SELECT now()')),
      dependency('redis', () => redis.incr('hits')),
    ]);
    res.json({ now: rows[0]?.now, hits });
  });
  // A request that takes `ms` then touches Postgres: what a slow in-flight request looks like at shutdown.
  app.get('/api/work', async (req, res) => {
    const ms = parseWorkMs(req.query.ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { rows } = await dependency('postgres', () => pool.query<{ ms: number }>('SELECT $1::int AS ms', [ms]));
    res.json({ workedMs: rows[0]?.ms, pid: process.pid });
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof ValidationError)) return next(error);
    res.status(400).json({ error: 'invalid_input', field: error.field, message: error.message });
  });
  app.use(afterDeadline());
  app.use(dependencyErrors());
  app.use(errorHandler());
  return app;
}
// #endregion create-app

function parseWorkMs(raw: unknown): number {
  if (raw === undefined) return 100;
  const ms = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms <= MAX_WORK_MS)) throw new ValidationError('ms', `ms must be an integer from 0 to ${MAX_WORK_MS}`);
  return ms;
}
