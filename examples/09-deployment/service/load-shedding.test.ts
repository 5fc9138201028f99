import { Agent } from 'node:http';
import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get, type Reply } from '../test/http.js';
import { startTestService, type TestService } from '../test/service.js';
import { naiveClients } from './clients.js';

const REQUEST_TIMEOUT_MS = 4_000;
const HEALTH_CHECK_TIMEOUT_MS = 500;
const database = useTestDatabase('deployment_shedding');
const prefix = redisPrefix('deployment-shedding');
const running: TestService[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});
afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

async function start(env: NodeJS.ProcessEnv, clientsWith?: typeof naiveClients): Promise<TestService> {
  const service = await startTestService(
    {
      DATABASE_URL: database.url,
      REDIS_URL: testServices().redisUrl,
      REDIS_KEY_PREFIX: prefix,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HEALTH_CHECK_TIMEOUT_MS: String(HEALTH_CHECK_TIMEOUT_MS),
      ...env,
    },
    clientsWith ? { clientsWith } : {},
  );
  running.push(service);
  return service;
}

type Timed = Reply & { ms: number };

/** `clients` callers each send `each` slow queries back to back; readiness is probed all the while. */
async function slowDatabaseLoad(service: TestService, clients: number, each: number, queryMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients + 1 });
  const timed = async (path: string): Promise<Timed> => {
    const started = performance.now();
    return { ...(await get(`${service.url}${path}`, agent)), ms: performance.now() - started };
  };
  let maxWaiting = 0;
  const sampler = setInterval(() => {
    maxWaiting = Math.max(maxWaiting, service.clients.pool.waitingCount);
  }, 5);
  const replies: Timed[] = [];
  const probes: Timed[] = [];
  let loading = true;
  const caller = async () => {
    for (let i = 0; i < each; i += 1) replies.push(await timed(`/api/slow-query?ms=${queryMs}`));
  };
  const prober = async () => {
    while (loading) probes.push(await timed('/health/ready'));
  };
  const probing = prober();
  await Promise.all(Array.from({ length: clients }, caller));
  loading = false;
  await probing;
  clearInterval(sampler);
  agent.destroy();
  const errors = replies.filter((r) => r.status !== 200).map((r) => JSON.parse(r.body).error as string);
  return { replies, probes, maxWaiting, errors };
}

describe('a slow database under load', () => {
  it('sheds what cannot wait with a 503 at once, keeps the queue bounded, and stays ready', async () => {
    const service = await start({ DB_POOL_MAX: '2', DB_QUEUE_MAX: '4', DEPENDENCY_TIMEOUT_MS: '1000' });
    const { replies, probes, maxWaiting, errors } = await slowDatabaseLoad(service, 16, 4, 300);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(errors).toContain('overloaded');
    for (const reply of replies.filter((r) => r.status !== 200)) {
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('2');
    }
    expect(maxWaiting).toBeLessThanOrEqual(4);
    // Each refusal's log line says why, and how long the queue it refused to join was.
    const shed = service.log.entries.filter((entry) => entry.reason === 'shed');
    expect(shed).toHaveLength(errors.filter((error) => error === 'overloaded').length);
    for (const entry of shed) expect(entry.waiting).toBeGreaterThanOrEqual(4);
    expect(Math.max(...replies.map((r) => r.ms)) / REQUEST_TIMEOUT_MS).toBeLessThan(0.75);
    // Postgres is healthy, only busy: readiness, on its own connection, says so throughout.
    expect(probes.length).toBeGreaterThan(3);
    expect(probes.map((p) => p.status)).toEqual(probes.map(() => 200));
  });

  it('a request waits for a connection no longer than the dependency timeout, then gets a 503', async () => {
    const service = await start({ DB_POOL_MAX: '1', DB_QUEUE_MAX: '20', DEPENDENCY_TIMEOUT_MS: '500' });
    const { replies, errors } = await slowDatabaseLoad(service, 6, 1, 400);
    expect(errors).toContain('dependency_unavailable');
    const reasons = service.log.entries.filter((e) => e.status === 503).map((e) => e.reason);
    expect(reasons).toContain('timeout exceeded when trying to connect');
    expect(Math.max(...replies.map((r) => r.ms)) / REQUEST_TIMEOUT_MS).toBeLessThan(0.5);
  });

  it('the naive clients (one pool for everything) under the same load: readiness fails though Postgres is fine', async () => {
    const service = await start({ DB_POOL_MAX: '2', DB_QUEUE_MAX: '4' }, naiveClients);
    const { probes } = await slowDatabaseLoad(service, 16, 4, 300);
    expect(probes.filter((p) => p.status === 503).length).toBeGreaterThan(0);
  });
});
