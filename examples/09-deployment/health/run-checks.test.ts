import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type Check, naiveHealthRoute, postgresCheck, redisCheck, runChecks } from './health.js';

const slow =
  (ms: number): Check =>
  () =>
    new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('runChecks', () => {
  it('runs checks concurrently: two slow checks take about as long as one', async () => {
    const time = async (checks: Record<string, Check>) => {
      const started = performance.now();
      const readiness = await runChecks(checks, 5_000);
      expect(readiness.ok).toBe(true);
      return performance.now() - started;
    };
    const one = await time({ a: slow(300) });
    const two = await time({ a: slow(300), b: slow(300) });
    expect(two / one).toBeLessThan(1.6);
  });

  it('reports a thrown error by check name without failing the others', async () => {
    const broken: Check = async () => {
      throw new Error('connection refused');
    };
    const readiness = await runChecks({ ok: slow(1), broken }, 1_000);
    expect(readiness.ok).toBe(false);
    expect(readiness.checks.ok?.status).toBe('ok');
    expect(readiness.checks.broken).toMatchObject({ status: 'failed', error: 'connection refused' });
  });

  it('a check past its timeout fails, and its signal tells it to stop', async () => {
    let signal: AbortSignal | undefined;
    const hangs: Check = (given) => {
      signal = given;
      return new Promise(() => {});
    };
    const readiness = await runChecks({ hangs }, 50);
    expect(readiness.checks.hangs).toMatchObject({ status: 'failed', error: 'timed out after 50 ms' });
    expect(signal?.aborted).toBe(true);
  });

  it('each result says how long its check took, within the time the whole run took', async () => {
    const broken: Check = () => new Promise((_, reject) => setTimeout(() => reject(new Error('refused')), 30));
    const started = performance.now();
    const { checks } = await runChecks({ ok: slow(30), broken }, 5_000);
    const elapsed = performance.now() - started;
    for (const result of [checks.ok, checks.broken]) {
      expect(result?.durationMs).toBeGreaterThanOrEqual(25);
      expect(result?.durationMs).toBeLessThanOrEqual(Math.ceil(elapsed));
    }
  });

  it('leaves no timer behind once a check has answered, though its timeout was a minute away', async () => {
    const before = timers();
    await runChecks({ quick: async () => 'ok' }, 60_000);
    expect(timers()).toBe(before);
  });
});

describe('against the real Postgres and Redis', () => {
  const database = useTestDatabase('deployment_checks');

  it('the checks pass, and so does the naive endpoint (the Q&A) while both are up', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const redis = new Redis(testServices().redisUrl);
    try {
      const readiness = await runChecks({ postgres: postgresCheck(pool), redis: redisCheck(redis) }, 5_000);
      expect(readiness.ok).toBe(true);
      const reply = await request(express().use(naiveHealthRoute(pool, redis))).get('/health');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        status: 'healthy',
        uptime: expect.any(Number),
        checks: { database: 'ok', redis: 'ok' },
      });
    } finally {
      await redis.quit();
      await pool.end();
    }
  });
});
