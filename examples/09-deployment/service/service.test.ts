import { createServer } from 'node:net';
import {
  deleteRedisPrefix,
  type OwnRedis,
  redisPrefix,
  startOwnRedis,
  startTcpProxy,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { startTestService, type TestService, type TestServiceOptions } from '../test/service.js';
import { type Clients, createClients } from './clients.js';

// startService's wiring, each test starting its own service (a file-wide one would hide which test
// exercised the start-up).
const database = useTestDatabase('deployment_service');
const prefix = redisPrefix('deployment-service');
const running = new Set<TestService>();
let ownRedis: OwnRedis | undefined;

afterEach(async () => {
  await Promise.all([...running].map(stop));
  await ownRedis?.stop();
  ownRedis = undefined;
});
afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

async function start(env: NodeJS.ProcessEnv = {}, options: TestServiceOptions = {}): Promise<TestService> {
  const vars = { DATABASE_URL: database.url, REDIS_URL: testServices().redisUrl, REDIS_KEY_PREFIX: prefix, ...env };
  const service = await startTestService(vars, options);
  running.add(service);
  return service;
}

function stop(service: TestService): Promise<number> {
  running.delete(service);
  return service.stop();
}

const logged = (service: TestService, message: string) => service.log.entries.filter((e) => e.message === message);

describe('startService', () => {
  it('listens as soon as Redis is ready, logs where, and leaves process signals alone', async () => {
    const signalHandlers = process.listenerCount('SIGTERM');
    const started = performance.now();
    const service = await start({ DEPENDENCY_TIMEOUT_MS: '8000', REQUEST_TIMEOUT_MS: '9000' });
    // Not held back by the wait for Redis, which only a Redis that is down runs to its end.
    expect((performance.now() - started) / 8_000).toBeLessThan(0.5);
    expect(logged(service, 'listening')).toEqual([
      expect.objectContaining({ url: service.url, metricsUrl: service.metricsUrl, pid: process.pid, env: 'test' }),
    ]);
    expect(process.listenerCount('SIGTERM')).toBe(signalHandlers);
  });

  it('names a URL a client can use: 127.0.0.1 for HOST=0.0.0.0, any other host as it is', async () => {
    expect((await start({ HOST: '0.0.0.0' })).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const named = await start({ HOST: 'localhost' });
    expect(named.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect((await get(`${named.url}/health/live`)).status).toBe(200);
  });

  it('rejects a port already taken, having closed the clients it made', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    let clients: Clients | undefined;
    const clientsWith = (settings: Parameters<typeof createClients>[0]) => (clients = createClients(settings));
    await expect(start({ PORT: String(port) }, { clientsWith })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise((resolve) => taken.close(resolve));
    expect([clients?.pool.ended, clients?.readinessPool.ended]).toEqual([true, true]);
    await waitUntil(() => clients?.redis.status === 'end', 'the Redis connection to end', 2_000);
  });

  it('serves /api/time from Postgres and Redis, bugs as a JSON 500, and RED, runtime and pool metrics', async () => {
    const service = await start();
    const first = await get(`${service.url}/api/time`);
    expect(first.headers).not.toHaveProperty('x-powered-by');
    const body = JSON.parse(first.body) as { now: string; hits: number };
    expect(Math.abs(Date.parse(body.now) - Date.now()) / 60_000).toBeLessThan(1);
    expect(JSON.parse((await get(`${service.url}/api/time`)).body).hits).toBe(body.hits + 1);
    const redis = new Redis(testServices().redisUrl);
    expect(Number(await redis.get(`${prefix}hits`))).toBe(body.hits + 1);
    await redis.quit();
    const boom = await get(`${service.url}/api/boom`);
    expect([boom.status, boom.headers['content-type']]).toEqual([500, expect.stringContaining('json')]);
    const metrics = (await get(service.metricsUrl)).body;
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/time"[^}]*\} 2/);
    expect(metrics).toMatch(/pg_pool_connections_total\{pool="api"\} [1-9]/);
    expect(metrics).toContain('pg_pool_connections_total{pool="readiness"}');
    expect(await stop(service)).toBe(0);
    // The metrics port closes with the service.
    await expect(get(service.metricsUrl)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('logs an idle connection that Postgres ended, per pool, and serves the next request', async () => {
    const service = await start();
    expect((await get(`${service.url}/api/time`)).status).toBe(200);
    expect((await get(`${service.url}/health/ready`)).status).toBe(200);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await admin.end();
    await waitUntil(() => logged(service, 'idle postgres connection lost').length === 2, 'both pools to log', 5_000);
    for (const line of logged(service, 'idle postgres connection lost')) {
      expect(line).toMatchObject({ level: 'warn', error: expect.stringContaining('terminating connection') });
    }
    expect((await get(`${service.url}/api/time`)).status).toBe(200);
  });
});

describe('its Redis, at shutdown and in an outage', () => {
  it('logs Redis dropping and refusing connections as one line, its return as another, and serves again', async () => {
    const proxy = await startTcpProxy(testServices().redisUrl);
    const service = await start({ REDIS_URL: proxy.url() });
    proxy.refuse(true);
    proxy.cutAll();
    await waitUntil(() => proxy.refused() >= 2, 'two refused reconnects', 5_000);
    proxy.refuse(false);
    await waitUntil(() => logged(service, 'redis available again').length > 0, 'Redis to be back', 5_000);
    expect(logged(service, 'redis unavailable')).toHaveLength(1);
    expect(logged(service, 'redis available again')).toHaveLength(1);
    expect((await get(`${service.url}/api/time`)).status).toBe(200);
    await stop(service);
    await proxy.close();
  });

  it('says QUIT to a Redis that is up', async () => {
    ownRedis = await startOwnRedis();
    const service = await start({ REDIS_URL: ownRedis.url });
    const quits = async () => {
      const probe = new Redis(ownRedis?.url ?? '');
      const stats = await probe.info('commandstats');
      probe.disconnect();
      return Number(/cmdstat_quit:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const before = await quits();
    expect(await stop(service)).toBe(0);
    expect(await quits()).toBe(before + 1);
  });
});
