import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { useRedisRegistry } from './test/redis-registry.js';

const { registry } = useRedisRegistry('microservices-heartbeat');

const TTL_MS = 300;
const instance = (id: string) => ({ service: 'order-service', id, url: `http://10.0.1.${id}:3002` });
const ids = async () => (await registry.lookup('order-service')).map((i) => i.id).sort();
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** A registration whose health check counts its calls: one call per heartbeat. */
async function counted(id: string) {
  const beats = { count: 0 };
  const registration = await registry.register(instance(id), {
    ttlMs: TTL_MS,
    healthCheck: async () => ++beats.count > 0,
  });
  return { beats, registration };
}

/** Lets a beating registration beat `n` more times: a clock in heartbeats, not milliseconds. */
async function beatsPass(clock: { count: number }, n: number) {
  const until = clock.count + n;
  await waitUntil(() => clock.count >= until, `${n} more heartbeats`, 5_000);
}

describe('the heartbeat timer', () => {
  it('stops on deregister: the instance stays gone, and its health check is never asked again', async () => {
    const clock = await counted('1');
    const leaving = await counted('2');
    expect(await ids()).toEqual(['1', '2']);
    await leaving.registration.deregister();
    const asked = leaving.beats.count;
    await beatsPass(clock.beats, 4); // past a whole TTL: a beat left running would have re-added it
    expect(leaving.beats.count).toBe(asked);
    expect(await ids()).toEqual(['1']);
    await clock.registration.deregister();
  });

  it('stops on stopHeartbeat: the instance is no longer renewed, and ages out', async () => {
    const clock = await counted('3');
    const crashed = await counted('4');
    crashed.registration.stopHeartbeat();
    const asked = crashed.beats.count;
    await beatsPass(clock.beats, 4);
    expect(crashed.beats.count).toBe(asked);
    expect(await ids()).toEqual(['3']);
    await clock.registration.deregister();
  });

  it('never keeps the process alive: a service that forgets to deregister can still exit', async () => {
    const before = timers();
    const { registration } = await counted('5');
    expect(timers()).toBe(before);
    await registration.deregister();
  });
});
