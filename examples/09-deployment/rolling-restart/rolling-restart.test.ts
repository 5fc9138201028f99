import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { killServices } from '../test/spawn-service.js';
import { runtimeCommand } from './haproxy.js';
import { type Instance, rollingRestart } from './roll.js';
import { type Fleet, startFleet } from './test/fleet.js';
import { measureRoll } from './test/measure-roll.js';

const { databaseUrl, redisUrl } = testServices();
const prefix = redisPrefix('roll');
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ databaseUrl, redisUrl, redisKeyPrefix: prefix });
}, 150_000);

afterAll(async () => {
  await fleet?.stop();
  // Whatever a failed or timed-out step left running (a hook timeout skips startFleet's own cleanup).
  await killServices();
  const redis = new Redis(redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
}, 60_000);

const hitsNow = async () => (JSON.parse((await get(`${fleet.url}/api/time`)).body) as { hits: number }).hits;

describe('three instances behind HAProxy', () => {
  it('spread requests over every instance; the Redis counter sees each request exactly once', async () => {
    const start = await hitsNow();
    const replies = [];
    for (let i = 0; i < 30; i += 1) replies.push(await get(`${fleet.url}/api/time`));
    expect(new Set(replies.map((r) => r.headers['x-served-by']))).toEqual(new Set(['api-1', 'api-2', 'api-3']));
    const hits = replies.map((r) => (JSON.parse(r.body) as { hits: number }).hits);
    expect(hits).toEqual(Array.from({ length: 30 }, (_, i) => start + 1 + i));
  });

  it('the pitfall: a counter in process memory counts a third of the visits on each instance', async () => {
    const visits = [];
    for (let i = 0; i < 30; i += 1)
      visits.push((JSON.parse((await get(`${fleet.url}/api/visits`)).body) as { visits: number }).visits);
    // One process would answer 1…30; three answer 1…10 each, so every count appears three times.
    expect(Math.max(...visits)).toBeLessThanOrEqual(10);
    expect(new Set(visits).size).toBeLessThan(30);
  });

  it('refuses to take an instance down while another one is out of rotation', async () => {
    const pids = fleet.instances.map((i) => i.pid);
    await runtimeCommand(fleet.statsSocket, 'set server instances/api-2 state maint');
    try {
      await expect(
        rollingRestart([...fleet.instances], { haproxy: fleet.haproxy, start: fleet.start }),
      ).rejects.toThrow('api-2 is MAINT; bring it back UP first (maxUnavailable is 1)');
      expect(fleet.instances.map((i) => i.pid)).toEqual(pids);
      expect((await get(`${fleet.url}/api/time`)).status).toBe(200);
    } finally {
      await runtimeCommand(fleet.statsSocket, 'set server instances/api-2 state ready');
      await fleet.haproxy.waitFor('api-2', 'UP');
    }
  });

  it('a rolling restart under load fails no request, and the shared counter survives every instance being replaced', async () => {
    const before = await hitsNow();
    const oldPids = fleet.instances.map((i) => i.pid);
    const { report, steps, failed, served, ratio, steadyRps } = await measureRoll(fleet);
    expect(report.failures).toEqual([]);
    expect(failed).toBe(0);
    expect(steps.map((s) => s.exitCode)).toEqual([0, 0, 0]);
    expect(fleet.instances.map((i) => i.pid).some((pid) => oldPids.includes(pid))).toBe(false);
    // The drain, not HAProxy's connection retries, kept requests whole.
    const stats = await fleet.haproxy.stats();
    expect(stats.map((s) => s.retries + s.redispatches)).toEqual([0, 0, 0]);
    expect(report.phases.steady?.ok).toBeGreaterThan(0);
    expect(report.phases.roll?.ok).toBeGreaterThan(0);
    // Every request served while every process was replaced was counted once, in Redis.
    expect((await hitsNow()) - before).toBe(served + 1);
    console.log(
      `roll/steady throughput ${ratio.toFixed(2)} (steady ${Math.round(steadyRps)} req/s; a busy shared machine)`,
    );
  }, 400_000);

  // Last: requests refused by the instance that exits here count as HAProxy retries.
  it('stops the roll when an instance exits before HAProxy took it out (a balancer slower than the drain)', async () => {
    const slot = fleet.instances.findIndex((i) => i.name === 'api-3');
    const old = fleet.instances[slot] as Instance;
    // No more probes of api-3: HAProxy keeps it UP, as a lagging kube-proxy keeps an endpoint.
    await runtimeCommand(fleet.statsSocket, 'disable health instances/api-3');
    await expect(rollingRestart([old], { haproxy: fleet.haproxy, start: fleet.start })).rejects.toThrow(
      `api-3 (pid ${old.pid}) exited before HAProxy took it out of rotation: raise DRAIN_DELAY_MS`,
    );
    await runtimeCommand(fleet.statsSocket, 'enable health instances/api-3');
    fleet.instances[slot] = await fleet.start('api-3');
    await fleet.haproxy.waitFor('api-3', 'UP', 120_000);
  }, 200_000);
});
