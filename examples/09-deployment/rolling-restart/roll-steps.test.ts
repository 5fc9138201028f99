import { describe, expect, it } from 'vitest';
import { runtimeCommand } from './haproxy.js';
import { rollingRestart } from './roll.js';
import { type Behaviour, type SmallFleet, startSmallFleet } from './test/small-fleet.js';

// Each test its own fleet, started inside the test: HAProxy starts in milliseconds.
async function withFleet(size: number, first: Record<string, Behaviour>, work: (fleet: SmallFleet) => Promise<void>) {
  const fleet = await startSmallFleet(size, first);
  try {
    for (const instance of fleet.instances) await fleet.haproxy.waitFor(instance.name, 'UP');
    await work(fleet);
  } finally {
    await fleet.stop();
  }
}

const roll = (fleet: SmallFleet, options: { upTimeoutMs?: number; onStep?: (line: string) => void } = {}) =>
  rollingRestart(fleet.instances, { haproxy: fleet.haproxy, start: fleet.start, ...options });

describe('a rolling restart, step by step, against a real HAProxy', () => {
  it('replaces each instance in turn: DOWN in HAProxy, exited 0, replacement UP, then the next', async () => {
    await withFleet(2, {}, async (fleet) => {
      const [first, second] = fleet.instances.map((i) => i.pid);
      const log: string[] = [];
      const steps = await roll(fleet, { onStep: (line) => log.push(line) });
      const [renewed1, renewed2] = fleet.instances.map((i) => i.pid);
      expect(steps).toEqual([
        { name: 'api-1', oldPid: first, newPid: renewed1, exitCode: 0 },
        { name: 'api-2', oldPid: second, newPid: renewed2, exitCode: 0 },
      ]);
      expect(log).toEqual([
        `api-1: pid ${first} DOWN in HAProxy, draining`,
        `api-1: pid ${renewed1} UP`,
        `api-2: pid ${second} DOWN in HAProxy, draining`,
        `api-2: pid ${renewed2} UP`,
      ]);
      expect((await fleet.haproxy.stats()).map((s) => s.status)).toEqual(['UP', 'UP']);
    });
  });

  it('stops at a shutdown that fails, naming its exit code, before starting a replacement', async () => {
    await withFleet(2, { 'api-1': { exitCode: 1 } }, async (fleet) => {
      const [old] = fleet.instances;
      await expect(roll(fleet)).rejects.toThrow(`api-1 (pid ${old?.pid}) exited 1, not 0: its shutdown failed`);
      expect(fleet.instances[0]).toBe(old);
    });
  });

  it('stops when an instance exits before HAProxy took it out, and touches no other', async () => {
    await withFleet(2, { 'api-1': { drainMs: 0 } }, async (fleet) => {
      const [old, next] = fleet.instances;
      await expect(roll(fleet)).rejects.toThrow(
        `api-1 (pid ${old?.pid}) exited before HAProxy took it out of rotation: raise DRAIN_DELAY_MS above the probe interval × fall`,
      );
      expect(fleet.instances).toEqual([old, next]);
    });
  });

  it('fails at once when a replacement crashes, long before its timeout, naming its exit code', async () => {
    await withFleet(1, {}, async (fleet) => {
      fleet.behave.set('api-1', { crashWith: 137 });
      const upTimeoutMs = 60_000;
      const started = performance.now();
      await expect(roll(fleet, { upTimeoutMs })).rejects.toThrow(
        /^api-1 \(pid \d+\) exited 137 before HAProxy saw it UP: read its log$/,
      );
      expect((performance.now() - started) / upTimeoutMs).toBeLessThan(0.5);
      // In the caller's list at once, so whoever stops the fleet stops it too.
      expect(await fleet.instances[0]?.exited).toBe(137);
    });
  });

  it('gives a replacement that never turns ready upTimeoutMs, then fails naming what HAProxy saw', async () => {
    await withFleet(1, {}, async (fleet) => {
      fleet.behave.set('api-1', { neverReady: true });
      await expect(roll(fleet, { upTimeoutMs: 1_500 })).rejects.toThrow(
        'timed out after 1500 ms waiting for api-1 to be UP (last seen: DOWN)',
      );
    });
  });

  it('refuses a step while a server is out of rotation, but not one whose probes are off', async () => {
    await withFleet(2, {}, async (fleet) => {
      const pids = fleet.instances.map((i) => i.pid);
      await runtimeCommand(fleet.statsSocket, 'set server instances/api-2 state maint');
      await expect(roll(fleet)).rejects.toThrow(
        'refusing to restart the next instance: api-2 is MAINT; bring it back UP first (maxUnavailable is 1)',
      );
      expect(fleet.instances.map((i) => i.pid)).toEqual(pids);
      await runtimeCommand(fleet.statsSocket, 'set server instances/api-2 state ready');
      await fleet.haproxy.waitFor('api-2', 'UP');
      // `no check`: HAProxy routes to it as to an UP server, so it does not block the roll of api-1.
      await runtimeCommand(fleet.statsSocket, 'disable health instances/api-2');
      const [old] = fleet.instances;
      const steps = await rollingRestart([old as (typeof fleet.instances)[0]], {
        haproxy: fleet.haproxy,
        start: fleet.start,
      });
      expect(steps.map((s) => s.name)).toEqual(['api-1']);
    });
  });
});
