import {
  deleteRedisPrefix,
  type OwnRedis,
  redisPrefix,
  startOwnRedis,
  testServices,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, fencedWrite, type Lock, LockTimeoutError, withLock } from './redis-lock.js';

// The lock lives on a redis-server of this file's own, which the tests restart and pause. The data it
// protects lives on the shared Redis, which survives those faults, as a real database would.
const prefix = redisPrefix('redis-lock-faults');
let shared: Redis;
const servers: OwnRedis[] = [];
const clients: Redis[] = [];

async function lockServer(options: { appendonly?: boolean } = {}): Promise<Redis> {
  const server = await startOwnRedis(options);
  servers.push(server);
  const client = new Redis(server.url);
  client.on('error', () => {}); // connection refused while it restarts: expected here
  clients.push(client);
  return client;
}
const serverOf = (client: Redis) => servers[clients.indexOf(client)] as OwnRedis;
const held = (lock: Lock | null): Lock => {
  if (!lock) throw new Error('expected to acquire the lock');
  return lock;
};

beforeAll(() => {
  shared = new Redis(testServices().redisUrl);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});
afterAll(async () => {
  await deleteRedisPrefix(shared, prefix);
  await shared.quit();
});

describe('a Redis lock when Redis restarts or pauses', () => {
  it('a restart that loses the lock hands it out twice, and the fence still refuses the older holder', async () => {
    const redis = await lockServer(); // no persistence: a restart forgets every key
    const resource = `${prefix}restart:document`;
    const a = held(await acquireLock(redis, 'document:lock', 60_000));
    expect(await fencedWrite(shared, resource, a, 'A, before the restart')).toBe(true);
    await serverOf(redis).restart();
    const b = held(await acquireLock(redis, 'document:lock', 60_000)); // A still believes it holds it
    expect(b.fence).toBeGreaterThan(a.fence); // INCR alone would start again at 1, A's own token
    expect(await fencedWrite(shared, resource, b, 'B')).toBe(true);
    expect(await fencedWrite(shared, resource, a, 'A, late')).toBe(false);
    expect(await shared.hget(resource, 'value')).toBe('B');
  });

  it('with appendonly, a restart keeps the lock: nobody else gets it', async () => {
    const redis = await lockServer({ appendonly: true });
    held(await acquireLock(redis, 'document:lock', 60_000));
    await serverOf(redis).restart();
    expect(await acquireLock(redis, 'document:lock', 60_000)).toBeNull();
  });

  it('while Redis is paused, withLock gives up at its deadline, and gives back a lock granted later', async () => {
    const redis = await lockServer();
    serverOf(redis).pause();
    try {
      const waiting = withLock(redis, 'report:lock', async () => 'never runs', { waitMs: 300, ttlMs: 60_000 });
      await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError);
    } finally {
      serverOf(redis).resume();
    }
    // Redis answers the SET it was sent during the pause: that grant must not sit there for 60 s.
    await waitUntil(
      async () => (await redis.get('report:lock:fence')) !== null && (await redis.exists('report:lock')) === 0,
      'the late grant to be released',
      5_000,
    );
  });
});
