import { Router } from 'express';
import type pg from 'pg';
import type { Broker } from '../broker/connection.js';

/** Throws (or rejects) when the dependency cannot serve this instance right now. */
export type ReadinessCheck = () => Promise<void>;

// #region health
/**
 * Liveness answers "is this process able to run?" and checks nothing else: a database outage must
 * not make the orchestrator restart every instance. Readiness answers "should traffic come here?"
 * and checks each dependency, each with a deadline so a hung one cannot hang the probe.
 */
export function healthRouter(checks: Record<string, ReadinessCheck>, timeoutMs = 1000): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withDeadline(check(), timeoutMs);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `failing: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  return router;
}
// #endregion health

export const postgresCheck =
  (pool: pg.Pool): ReadinessCheck =>
  async () =>
    void (await pool.query('SELECT 1'));

/** Ready while the broker connection is up; flips on the recovery events. */
export function brokerCheck(broker: Broker): ReadinessCheck {
  let lost: string | undefined;
  broker.on('disconnect', (error: Error) => {
    lost = error.message || 'connection lost';
  });
  broker.on('connect', () => {
    lost = undefined;
  });
  return async () => {
    if (lost) throw new Error(`broker disconnected: ${lost}`);
  };
}

/** Ready while the broker delivers to this consumer: a service connected but not consuming is no use. */
export function consumerCheck(consumer: { readonly consuming: boolean; readonly queue: string }): ReadinessCheck {
  return async () => {
    if (!consumer.consuming) throw new Error(`not consuming from ${consumer.queue}`);
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
