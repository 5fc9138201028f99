import {
  deleteRedisPrefix,
  redisPrefix,
  startTcpProxy,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRegistry } from '../service-discovery/registry.js';
import { consumerQueues, useRabbit } from '../test/amqp.js';
import { type LaunchedSystem, type LaunchOptions, launchSystem } from './launcher.js';

const database = useTestDatabase('microservices_registration');
const rabbit = useRabbit('registration');
const prefixes: string[] = [];
const SERVICES = ['gateway', 'user-service', 'order-service', 'email-service'];
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testServices().redisUrl);
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

/** A system of its own (queues and registry prefix), and the registry it registers in. */
async function system(
  label: string,
  options: Partial<LaunchOptions>,
): Promise<{ system: LaunchedSystem; registry: RedisRegistry }> {
  const prefix = redisPrefix(`registration_${label}`);
  prefixes.push(prefix);
  const email = consumerQueues(rabbit.names, `${label}.email`);
  const started = await launchSystem({
    // four processes, each registering itself
    databaseUrl: database.url,
    amqpUrl: testServices().amqpUrl,
    redisUrl: testServices().redisUrl,
    names: {
      exchange: rabbit.names.exchange(`${label}.orders`),
      emailQueue: email.queue,
      emailDeadLetterQueue: email.deadLetterQueue,
      redisPrefix: prefix,
    },
    apiKeys: new Map([['k', 'c']]),
    logSink: () => {},
    ...options,
  });
  return { system: started, registry: new RedisRegistry(redis, prefix) };
}

const registered = async (registry: RedisRegistry) => {
  const found = await Promise.all(
    SERVICES.map(async (s) => [s, (await registry.lookup(s)).map((i) => i.url)] as const),
  );
  return Object.fromEntries(found);
};

describe('every service in the registry, renewed only while it is ready', () => {
  // #region registration-test
  it('all four register; one whose readiness fails drops out within its TTL, and returns once ready', {
    timeout: 180_000,
  }, async () => {
    const broker = await startTcpProxy(testServices().amqpUrl);
    const { system: running, registry } = await system('gated', { amqpUrl: broker.url(), registryTtlMs: 900 });
    try {
      const { urls } = running;
      expect(await registered(registry)).toEqual({
        gateway: [urls.gateway],
        'user-service': [urls.users],
        'order-service': [urls.orders],
        'email-service': [urls.email],
      });
      // order-service and email-service lose the broker: their readiness fails
      broker.refuse(true);
      broker.cutAll();
      await waitUntil(async () => {
        const now = await registered(registry);
        return now['order-service']?.length === 0 && now['email-service']?.length === 0;
      }, 'the two to drop out');
      const during = await registered(registry);
      expect(during).toMatchObject({ gateway: [urls.gateway], 'user-service': [urls.users] }); // still ready, still found
      broker.refuse(false);
      await waitUntil(async () => Object.values(await registered(registry)).every((u) => u.length === 1), 'all back');
    } finally {
      await running.stop();
      await broker.close();
    }
  });

  it('shutdown deregisters every service at once, long before its TTL', { timeout: 180_000 }, async () => {
    const { system: running, registry } = await system('shutdown', { registryTtlMs: 600_000 });
    expect(Object.values(await registered(registry)).every((u) => u.length === 1)).toBe(true);
    const codes = await running.stop();
    expect(Object.values(codes)).toEqual([0, 0, 0, 0]);
    expect(await registered(registry)).toEqual(Object.fromEntries(SERVICES.map((s) => [s, []])));
  });
  // #endregion registration-test
});
