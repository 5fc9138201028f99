import { Agent } from 'node:http';
import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { killServices, spawnService, waitForLog } from '../test/spawn-service.js';

const SOCKETS = 32;
const prefix = redisPrefix('deployment-keepalive');
const database = useTestDatabase('deployment_keepalive');

afterAll(async () => {
  await killServices();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

/**
 * Two workers on one port (node:cluster); SOCKETS keep-alive clients send requests back to back.
 * Each worker in turn gets SIGTERM mid-stream; the stream goes on until both have exited and a few
 * hundred more requests are answered (bounded either way). Counts every request without a 200.
 */
async function steadyStreamAcrossSigterm(extraEnv: NodeJS.ProcessEnv = {}) {
  const cluster = spawnService(new URL('./test/cluster.ts', import.meta.url), {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DB_POOL_MAX: '4',
    LOG_LEVEL: 'warn',
    // No drain delay, as under pm2 (no load balancer polls readiness): the sockets alone must be handled safely.
    DRAIN_DELAY_MS: '0',
    ...extraEnv,
  });
  const workers = (count: number) =>
    cluster.waitUntil((lines) => {
      const found = lines.filter((line) => line.includes('"message":"fixture: listening"'));
      return found.length >= count ? found.map((line) => JSON.parse(line) as { url: string; pid: number }) : undefined;
    });
  const [first, second] = await workers(2);
  if (!first || !second) throw new Error('no workers listening');
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
  let answered = 0;
  let toldToClose = 0;
  let failed = 0;
  const errors = new Set<string>();
  let stopAt = Number.POSITIVE_INFINITY;
  const fail = (why: string) => {
    failed += 1;
    errors.add(why);
  };
  const client = async () => {
    while (answered + failed < Math.min(stopAt, 10_000)) {
      await get(`${first.url}/health/live`, agent).then(
        (reply) => {
          if (reply.status === 200) answered += 1;
          else fail(String(reply.status));
          if (reply.headers.connection === 'close') toldToClose += 1;
        },
        (error: NodeJS.ErrnoException) => fail(error.code ?? error.message),
      );
    }
  };
  const clients = Array.from({ length: SOCKETS }, client);
  await waitUntil(() => answered >= 200, 'the stream to be under way');
  const exits: unknown[] = [];
  // One worker, then the other once its replacement listens: a rolling restart under the stream.
  for (const [worker, replaced] of [
    [first, 3],
    [second, 4],
  ] as const) {
    process.kill(worker.pid, 'SIGTERM');
    exits.push((await waitForLog(cluster, (e) => e.message === 'fixture: worker exited' && e.pid === worker.pid)).code);
    await workers(replaced);
  }
  stopAt = answered + failed + 300;
  await Promise.all(clients);
  agent.destroy();
  cluster.child.kill('SIGTERM');
  return { answered, failed, errors: [...errors], exits, toldToClose };
}

describe('SIGTERM under a steady stream over keep-alive connections', () => {
  it('fails no request: responses say Connection: close, idle sockets close safely, in-flight ones finish', {
    timeout: 90_000,
  }, async () => {
    const outcome = await steadyStreamAcrossSigterm();
    expect(outcome).toMatchObject({ failed: 0, errors: [], exits: [0, 0] });
    expect(outcome.answered).toBeGreaterThan(500);
    // The stopping worker told its clients, one response at a time.
    expect(outcome.toldToClose).toBeGreaterThan(0);
  });

  it('server.close() after the drain (the usual way) resets requests on sockets being reused', async () => {
    const outcome = await steadyStreamAcrossSigterm({ SHUTDOWN_STYLE: 'close-at-once' });
    expect(outcome.failed).toBeGreaterThan(0);
    expect(outcome.errors).toEqual(['ECONNRESET']);
  });
});
