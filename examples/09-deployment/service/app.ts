import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { type Check, healthRoutes, type Lifecycle, postgresCheck, redisCheck } from '../health/health.js';
import type { Logger } from '../logging/logger.js';
import { errorHandler, requestLogging } from '../logging/request-logging.js';
import { recordRequests } from '../telemetry/metrics.js';
import { reportFailedResponses, reportServerErrors } from '../telemetry/report-errors.js';
import type { Clients } from './clients.js';
import { afterDeadline, requestDeadline } from './deadline.js';
import { dependency, dependencyErrors } from './dependencies.js';
import { shedLoad } from './shedding.js';

export interface AppDeps {
  clients: Clients;
  /** Where the RED metrics go, served by ../telemetry/metrics-server.ts; none, none recorded. */
  metrics?: Registry;
  logger: Logger;
  lifecycle: Lifecycle;
  healthCheckTimeoutMs: number;
  requestTimeoutMs: number;
  /** Requests that may wait for a Postgres connection at once; past it the next one is shed. */
  dbQueueMax: number;
  /** Routes a demo or test adds under /api (none in production). */
  extraRoutes?: Router;
}

/** Bad input: named so the client can fix it, answered with a 400 rather than a 500. */
export class ValidationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

// #region create-app
/** The small service every practice of this chapter wraps: Express over Postgres and Redis. */
export function createApp(deps: AppDeps): Express {
  const { clients, logger, lifecycle, healthCheckTimeoutMs, requestTimeoutMs } = deps;
  const { pool, redis } = clients;
  // Readiness has a pool of its own: it must not queue behind the traffic it is asked about.
  const checks: Record<string, Check> = { postgres: postgresCheck(clients.readinessPool), redis: redisCheck(redis) };
  const app = express();
  // A hash of every body, for a 304 that no client of a live time, a hit count or a probe can use.
  app.set('etag', false);
  if (deps.metrics) app.use(recordRequests(deps.metrics));
  // Every 5xx to Sentry (a no-op without SENTRY_DSN), the outage 503s included.
  app.use(reportFailedResponses());
  app.use(requestLogging(logger));
  // Security headers on every answer, errors and 404s included (HSTS, nosniff, a CSP, frame denial);
  // it also removes Express's X-Powered-By.
  app.use(helmet());
  app.use(requestDeadline(requestTimeoutMs));
  app.use(healthRoutes({ checks, timeoutMs: healthCheckTimeoutMs, lifecycle, log: logger }));
  app.use('/api', shedLoad(pool, deps.dbQueueMax));
  app.get('/api/time', async (_req, res) => {
    // allSettled, not all: when Redis fails at once, its answer waits for the query instead of
    // leaving it running in a pool that the next requests queue for.
    const [time, hits] = await Promise.allSettled([
      dependency('postgres', () => pool.query<{ now: Date }>('SELECT now()')),
      dependency('redis', () => redis.incr('hits')),
    ]);
    if (time.status === 'rejected') throw time.reason;
    if (hits.status === 'rejected') throw hits.reason;
    // Stryker disable next-line OptionalChaining: SELECT now() always returns exactly one row
    res.json({ now: time.value.rows[0]?.now, hits: hits.value });
  });
  if (deps.extraRoutes) app.use('/api', deps.extraRoutes);
  app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof ValidationError)) return next(error);
    res.status(400).json({ error: 'invalid_input', field: error.field, message: error.message });
  });
  app.use(afterDeadline());
  app.use(dependencyErrors());
  app.use(reportServerErrors());
  app.use(errorHandler());
  return app;
}
// #endregion create-app
