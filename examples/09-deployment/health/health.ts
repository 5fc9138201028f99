import { type Request, type Response, Router } from 'express';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** A dependency probe; it should stop work when `signal` aborts (the check has timed out). */
export type Check = (signal: AbortSignal) => Promise<unknown>;

export interface CheckResult {
  status: 'ok' | 'failed';
  durationMs: number;
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/** Flipped once at shutdown so the load balancer stops sending traffic before the server stops accepting. */
export class Lifecycle {
  shuttingDown = false;
}

export const postgresCheck =
  (pool: pg.Pool): Check =>
  () =>
    // Stryker disable next-line StringLiteral: an empty query is a round trip too, and succeeds just the same
    pool.query('SELECT 1');
export const redisCheck =
  (redis: Redis): Check =>
  () =>
    redis.ping();

// #region run-checks
/** Runs every check at once, each under its own timeout: a hung dependency is a failed one. */
export async function runChecks(checks: Record<string, Check>, timeoutMs: number): Promise<Readiness> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runOne(checks[name] as Check, timeoutMs)));
  const entries = names.map((name, i) => [name, results[i] as CheckResult] as const);
  return { ok: results.every((r) => r.status === 'ok'), checks: Object.fromEntries(entries) };
}

async function runOne(check: Check, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
    return { status: 'ok', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    controller.abort();
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', durationMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}
// #endregion run-checks

// #region health-routes
/** Where a failed check's details go: the log, never the probe's answer (winston, pino, console fit). */
export interface HealthLog {
  warn(message: string, fields?: object): unknown;
}

export interface HealthOptions {
  checks: Record<string, Check>;
  timeoutMs: number;
  lifecycle: Lifecycle;
  log: HealthLog;
}

/**
 * `/health/live`: the process can answer; restarting it would not help anything else, so it
 * checks no dependency. `/health/ready`: send me traffic; false while a dependency is down or
 * while the process is shutting down. Its body names each check and its state, nothing more: a
 * raw error carries addresses and role names; those go to the log.
 */
export function healthRoutes({ checks, timeoutMs, lifecycle, log }: HealthOptions): Router {
  const router = Router();
  router.get('/health/live', (_req: Request, res: Response) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/health/ready', async (_req: Request, res: Response) => {
    if (lifecycle.shuttingDown) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    const readiness = await runChecks(checks, timeoutMs);
    const failed = Object.entries(readiness.checks).filter(([, result]) => result.status === 'failed');
    if (failed.length > 0) log.warn('not ready', { failed: Object.fromEntries(failed) });
    const states = Object.entries(readiness.checks).map(([name, result]) => [name, result.status]);
    res
      .status(readiness.ok ? 200 : 503)
      .json({ status: readiness.ok ? 'ready' : 'not_ready', checks: Object.fromEntries(states) });
  });
  return router;
}
// #endregion health-routes

// #region naive-health
/** The Q&A's endpoint: one route for everything, checks in sequence, no timeout, no names, the raw error out. */
export function naiveHealthRoute(pool: pg.Pool, redis: Redis): Router {
  const router = Router();
  router.get('/health', async (_req: Request, res: Response) => {
    try {
      // Stryker disable next-line StringLiteral: an empty query is a round trip too, and succeeds just the same
      await pool.query('SELECT 1');
      await redis.ping();
      res.json({ status: 'healthy', uptime: process.uptime(), checks: { database: 'ok', redis: 'ok' } });
    } catch (error) {
      res.status(503).json({ status: 'unhealthy', error: (error as Error).message });
    }
  });
  return router;
}
// #endregion naive-health
