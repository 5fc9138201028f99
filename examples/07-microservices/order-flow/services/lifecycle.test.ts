import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import {
  deleteRedisPrefix,
  type Fixture,
  redisPrefix,
  spawnFixture,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRegistry } from '../../service-discovery/registry.js';

const database = useTestDatabase('microservices_lifecycle');
const prefix = redisPrefix('lifecycle');
let redis: Redis;
let registry: RedisRegistry;
const fixtures: Fixture[] = [];
/** An upstream that holds every request until the test answers it: an in-flight request on demand. */
const held: ServerResponse[] = [];
const upstream = createServer((_req, res) => void held.push(res));
let upstreamUrl: string;

beforeAll(async () => {
  redis = new Redis(testServices().redisUrl);
  registry = new RedisRegistry(redis, prefix);
  upstreamUrl = await listen(upstream, 0);
});
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.kill();
});
afterAll(async () => {
  upstream.closeAllConnections();
  await closeServer(upstream);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

/** One entry point in its own process, as its container would run it; resolves once it listens. */
async function start(entry: string, env: Record<string, string>) {
  const fixture = spawnFixture(new URL(entry, import.meta.url), {
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0', // not the default 9464: several services share this host
      REDIS_URL: testServices().redisUrl,
      REGISTRY_PREFIX: prefix,
      ...env,
    },
  });
  fixtures.push(fixture);
  const [, url] = await fixture.waitForLine(/"message":"listening".*"url":"([^"]+)"/, 120_000);
  return { fixture, url: url as string };
}

// A TTL far past the test: only deregistration can take the gateway out of the registry.
const gatewayEnv = { API_KEYS: 'k:client', GATEWAY_TIMEOUT_MS: '30000', REGISTRY_TTL_MS: '600000' };
const registered = async (service: string) => (await registry.lookup(service)).map((i) => i.url);

describe('each service is its own process and stops gracefully on SIGTERM', () => {
  // #region sigterm-test
  it('SIGTERM: deregistered at once, no new connections, the request in flight still answered, exit 0', {
    timeout: 180_000,
  }, async () => {
    const userService = await registry.register(
      { service: 'user-service', id: 'up', url: upstreamUrl },
      { ttlMs: 60_000 },
    );
    const { fixture, url } = await start('./start-gateway.ts', gatewayEnv);
    expect(await registered('gateway')).toEqual([url]);
    const inFlight = fetch(`${url}/api/users/1`, { headers: { authorization: 'Bearer k' } });
    await waitUntil(() => held.length === 1, 'the request to reach the upstream');

    fixture.child.kill('SIGTERM');
    await fixture.waitForLine(/"message":"shutting down"/);
    await waitUntil(async () => (await registered('gateway')).length === 0, 'the gateway to leave the registry');
    await waitUntil(
      () =>
        fetch(`${url}/health/live`).then(
          () => undefined,
          () => 'refused',
        ),
      'new connections to be refused',
    );
    expect(fixture.child.exitCode).toBeNull(); // still running: it waits for the request in hand

    held.shift()?.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
    const answered = await inFlight;
    expect({ status: answered.status, body: await answered.json() }).toEqual({ status: 200, body: { id: 1 } });
    expect(await fixture.exited).toBe(0);
    await userService.deregister();
  });
  // #endregion sigterm-test

  it('a shutdown that outlasts SHUTDOWN_TIMEOUT_MS exits 1 instead of hanging', { timeout: 180_000 }, async () => {
    const userService = await registry.register(
      { service: 'user-service', id: 'up', url: upstreamUrl },
      { ttlMs: 60_000 },
    );
    const { fixture, url } = await start('./start-gateway.ts', { ...gatewayEnv, SHUTDOWN_TIMEOUT_MS: '500' });
    const inFlight = fetch(`${url}/api/users/1`, { headers: { authorization: 'Bearer k' } }).catch(() => undefined);
    await waitUntil(() => held.length === 1, 'the request to reach the upstream');
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toBe(1);
    expect(fixture.lines.some((line) => line.includes('shutdown deadline passed'))).toBe(true);
    held.shift()?.destroy();
    await inFlight;
    await userService.deregister();
  });

  it('user-service on its own: registers, answers, and exits 0 with its pool and Redis closed', {
    timeout: 180_000,
  }, async () => {
    const { fixture, url } = await start('./start-user.ts', { DATABASE_URL: database.url });
    expect(await registered('user-service')).toContain(url);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toBe(0); // a pool or socket left open would hold it past the deadline: 1
    expect(await registered('user-service')).not.toContain(url);
  });

  it('a missing or malformed variable stops it before it starts, naming every one: exit 78', {
    timeout: 60_000,
  }, async () => {
    const fixture = spawnFixture(new URL('./start-order.ts', import.meta.url), {
      env: { DATABASE_URL: '', AMQP_URL: 'http://wrong', REDIS_URL: '', PORT: 'eighty' },
    });
    fixtures.push(fixture);
    expect(await fixture.exited).toBe(78);
    const said = fixture.errors.join('\n');
    for (const name of [
      'DATABASE_URL is required',
      'AMQP_URL must use amqp: or amqps:, got "http://wrong"',
      'REDIS_URL',
      'PORT',
    ])
      expect(said).toContain(name);
    expect(said).not.toMatch(/\n\s+at /); // a message for the operator, not a stack trace
  });
});
