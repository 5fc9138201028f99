import type { ILifecycleHandler } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { gracePeriodProblems } from './checks.js';
import { defaultOptions } from './deploy-options.js';
import { gracePeriodSeconds, serviceManifests } from './manifests.js';
import { podContainer } from './test/cluster.js';
import { builtRepository } from './test/render.js';

/** The generated Deployment with another grace period and preStop hook (undefined: no lifecycle at all). */
function withHook(grace: number, preStop: ILifecycleHandler | undefined) {
  const { deployment } = serviceManifests(defaultOptions(`${builtRepository()}:1.4.2`));
  if (deployment.spec?.template.spec) deployment.spec.template.spec.terminationGracePeriodSeconds = grace;
  podContainer(deployment).lifecycle = preStop ? { preStop } : undefined;
  return deployment;
}
const unknown = expect.stringContaining('whose length no check can know');

describe('the grace period against the preStop hook the cluster runs', () => {
  it('the `exec sleep` older clusters run counts as long as the sleep action does', () => {
    // 22 s covers the 20 s deadline alone; with the 5 s pause in front of it the SIGKILL lands first.
    for (const hook of [{ sleep: { seconds: 5 } }, { exec: { command: ['sleep', '5'] } }]) {
      expect(gracePeriodProblems(withHook(22, hook), 20_000)).toEqual([
        'terminationGracePeriodSeconds 22 must exceed preStop 5 s + the shutdown deadline 20 s: raise it above 25',
      ]);
      expect(gracePeriodProblems(withHook(26, hook), 20_000)).toEqual([]);
    }
    expect(gracePeriodProblems(withHook(26, { exec: { command: ['sleep', '15'] } }), 20_000)).toEqual([
      expect.stringContaining('raise it above 35'),
    ]);
  });

  it('a hook whose length is unknown is named rather than counted as no pause', () => {
    const hooks: ILifecycleHandler[] = [
      { exec: { command: ['sh', '-c', 'sleep 5'] } },
      { exec: { command: ['wait', '5'] } },
      { exec: { command: ['sleep', '5', '5'] } },
      { exec: { command: ['sleep', '5s'] } },
      { exec: {} },
      { httpGet: { path: '/drain', port: 'http' } },
    ];
    for (const hook of hooks) expect(gracePeriodProblems(withHook(60, hook), 20_000)).toEqual([unknown]);
  });

  it('no preStop hook is no pause', () => {
    expect(gracePeriodProblems(withHook(21, undefined), 20_000)).toEqual([]);
    const noPreStop = withHook(21, undefined);
    podContainer(noPreStop).lifecycle = {};
    expect(gracePeriodProblems(noPreStop, 20_000)).toEqual([]);
  });

  it('the derived grace period rounds the deadline up and adds seconds, not minutes: a stuck pod holds a drain that long', () => {
    for (const shutdownMs of [1_000, 20_000, 20_500, 60_000]) {
      const grace = gracePeriodSeconds(5, shutdownMs);
      expect(Number.isInteger(grace)).toBe(true);
      expect(grace).toBeGreaterThan(5 + shutdownMs / 1_000);
      expect(grace).toBeLessThanOrEqual(5 + shutdownMs / 1_000 + 10);
    }
  });
});
