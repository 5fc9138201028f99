import { Agent } from 'node:http';
import {
  type OwnRedis,
  startOwnRedis,
  startTcpProxy,
  type TcpProxy,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { get, type Reply } from '../test/http.js';
import { startTestService, type TestService } from '../test/service.js';
import { naiveClients } from './clients.js';

const DEPENDENCY_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 3_000;
const REQUESTS = 60;

const database = useTestDatabase('deployment_outage');
let postgres: TcpProxy;
let redis: OwnRedis;
let service: TestService | undefined;

beforeAll(async () => {
  postgres = await startTcpProxy(database.url);
});
afterAll(() => postgres?.close());
afterEach(async () => {
  postgres.resume();
  await redis?.stop();
  await service?.stop();
  service = undefined;
});

async function start(options: Parameters<typeof startTestService>[1] = {}): Promise<TestService> {
  redis = await startOwnRedis();
  service = await startTestService(
    {
      DATABASE_URL: postgres.url(),
      REDIS_URL: redis.url,
      DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
    options,
  );
  expect((await get(`${service.url}/api/time`)).status).toBe(200);
  return service;
}

/** `count` requests, ten at a time over keep-alive sockets; each reply with how long it took. */
async function timeRequests(url: string, count: number): Promise<(Reply & { ms: number })[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const replies: (Reply & { ms: number })[] = [];
  const one = async () => {
    const started = performance.now();
    replies.push({ ...(await get(url, agent)), ms: performance.now() - started });
  };
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      for (let n = i; n < count; n += 10) await one();
    }),
  );
  agent.destroy();
  return replies;
}

function expectFast503(replies: (Reply & { ms: number })[], dependency: string): void {
  for (const reply of replies) {
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ error: 'dependency_unavailable', dependency });
    expect(reply.headers['retry-after']).toBe('2');
  }
  // Answered by the dependency's own timeout, long before the request deadline would have.
  expect(Math.max(...replies.map((r) => r.ms)) / REQUEST_TIMEOUT_MS).toBeLessThan(0.5);
}

describe('a dependency outage is a fast 503, not a hang or a 500', () => {
  it('Redis stopped: every request a 503 with Retry-After, logged as one line each and no stack', async () => {
    const { url, log, clients, stop } = await start();
    let reconnects = 0;
    clients.redis.on('reconnecting', () => (reconnects += 1));
    // Logged when it goes: by the time a listener added after the service's sees the first error.
    const warned = new Promise((resolve) => clients.redis.once('error', () => resolve(log.entries.at(-1))));
    await redis.stop();
    expect(await warned).toMatchObject({ level: 'warn', message: 'redis unavailable', error: expect.any(String) });
    const replies = await timeRequests(`${url}/api/time`, REQUESTS);
    await waitUntil(() => reconnects >= 3, 'three reconnect attempts');
    expectFast503(replies, 'redis');
    const lines = log.entries.filter((e) => e.message === 'request' && e.status === 503);
    expect(lines).toHaveLength(REQUESTS);
    expect(lines[0]).toMatchObject({ dependency: 'redis', path: '/api/time' });
    // The requests' lines, plus the warm-up, "listening" and one "redis unavailable": nothing per reconnect.
    expect(log.entries.filter((e) => e.message === 'redis unavailable')).toHaveLength(1);
    expect(log.entries.length).toBe(REQUESTS + 3);
    expect(log.raw).not.toContain('stack');
    // quit() would fail on a Redis that is not there: disconnect() closes it, and nothing else failed.
    service = undefined;
    expect([await stop(), log.entries.filter((e) => e.message === 'close failed')]).toEqual([0, []]);
  });

  it('Redis away: a command fails at once (no offline queue), one lost in flight fails with its connection', async () => {
    const { url, server, log } = await start();
    redis.pause();
    const arrived = new Promise((resolve) => server.once('request', resolve));
    const inFlight = get(`${url}/api/time`);
    await arrived;
    await new Promise((resolve) => setImmediate(resolve)); // the INCR is on the wire now
    await redis.stop();
    expect((await inFlight).status).toBe(503);
    expect((await get(`${url}/api/time`)).status).toBe(503);
    const reasons = log.entries.filter((e) => e.status === 503).map((e) => String(e.reason));
    // Lost with the connection: failed when it dropped, not a command timeout later, not retried.
    expect(reasons[0]).toMatch(/max retries per request/);
    // Issued while Redis is away: refused on the spot instead of queued until it returns.
    expect(reasons[1]).toMatch(/enableOfflineQueue/);
  });

  it('Redis paused (SIGSTOP): 503 after the command timeout, and 200 again once it resumes', async () => {
    const { url } = await start();
    redis.pause();
    expectFast503(await timeRequests(`${url}/api/time`, 20), 'redis');
    redis.resume();
    expect((await get(`${url}/api/time`)).status).toBe(200);
  });

  it('Postgres paused behind a proxy: 503 naming postgres, and 200 again once it resumes', async () => {
    const { url, log } = await start();
    postgres.pause();
    expectFast503(await timeRequests(`${url}/api/time`, 20), 'postgres');
    postgres.resume();
    expect((await get(`${url}/api/time`)).status).toBe(200);
    expect(log.raw).not.toContain('stack');
  });

  it('the naive clients (library defaults) under the same pause: no answer until the request deadline', async () => {
    const { url, log } = await start({ clientsWith: naiveClients });
    redis.pause();
    const [reply] = await timeRequests(`${url}/api/time`, 1);
    expect(reply?.status).toBe(503);
    expect(JSON.parse(reply?.body ?? '{}')).toEqual({ error: 'deadline_exceeded' });
    expect(reply?.headers['retry-after']).toBe('2');
    // Only the deadline answered it: without one the caller would still be waiting.
    expect((reply?.ms ?? 0) / REQUEST_TIMEOUT_MS).toBeGreaterThan(0.95);
    // The handler finishes late, once Redis is back (before the next reply): nobody to answer, nothing to log.
    redis.resume();
    expect((await get(`${url}/api/time`)).status).toBe(200);
    expect(log.entries.filter((e) => e.level === 'error' && e.message !== 'request')).toEqual([]);
  });
});
