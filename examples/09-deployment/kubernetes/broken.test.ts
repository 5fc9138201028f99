import { describe, expect, it } from 'vitest';
import { gracePeriodProblems, missingVariables, requiredVariables, selectorProblems } from './checks.js';
import { defaultOptions } from './deploy-options.js';
import { type ServiceManifests, serviceManifests } from './manifests.js';
import { podContainer } from './test/cluster.js';
import { builtRepository } from './test/render.js';

// Objects as a bad merge or a hand edit leaves them: each check names what is wrong, never a TypeError.
const fresh = () => serviceManifests(defaultOptions(`${builtRepository()}:1.4.2`));
const unset = (object: object, ...keys: string[]) =>
  Object.assign(object, Object.fromEntries(keys.map((k) => [k, undefined])));

/** Every object without its spec (the Deployment and ConfigMap without metadata too). */
function bare(): ServiceManifests {
  const m = fresh();
  unset(m.deployment, 'spec', 'metadata');
  for (const o of [m.service, m.autoscaler, m.disruptionBudget, m.networkPolicy]) unset(o, 'spec');
  unset(m.configMap, 'metadata', 'data');
  return m;
}

describe('checks on broken objects', () => {
  it('objects with no spec select nothing, and the HPA aims at nothing', () => {
    expect(selectorProblems(bare())).toEqual([
      'Deployment spec.selector undefined does not match the pod labels {}',
      'Service spec.selector undefined does not match the pod labels {}',
      'PodDisruptionBudget spec.selector undefined does not match the pod labels {}',
      'NetworkPolicy spec.podSelector undefined does not match the pod labels {}',
      'HorizontalPodAutoscaler scales undefined undefined/undefined, not apps/v1 Deployment/undefined',
    ]);
  });

  it('a pod template without labels, selectors without matchLabels, an unnamed Deployment', () => {
    const m = fresh();
    unset(m.deployment, 'metadata');
    unset(m.deployment.spec?.template ?? {}, 'metadata');
    unset(m.disruptionBudget.spec ?? {}, 'selector');
    unset(m.networkPolicy.spec ?? {}, 'podSelector');
    expect(selectorProblems(m)).toEqual([
      expect.stringMatching(/^Deployment spec.selector .* does not match the pod labels \{\}$/),
      expect.stringMatching(/^Service spec.selector .* does not match the pod labels \{\}$/),
      'PodDisruptionBudget spec.selector undefined does not match the pod labels {}',
      'NetworkPolicy spec.podSelector undefined does not match the pod labels {}',
      'HorizontalPodAutoscaler scales apps/v1 Deployment/api, not apps/v1 Deployment/undefined',
    ]);
  });

  it('an empty selector selects nothing (or, in a PDB, every pod); one extra label selects nothing too', () => {
    const m = fresh();
    if (m.service.spec) m.service.spec.selector = {};
    if (m.disruptionBudget.spec?.selector)
      m.disruptionBudget.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'api', tier: 'backend' };
    expect(selectorProblems(m)).toEqual([
      expect.stringContaining('Service spec.selector {} does not match'),
      expect.stringContaining('PodDisruptionBudget spec.selector {"app.kubernetes.io/name":"api","tier":"backend"}'),
    ]);
  });

  it('an HPA aimed at a StatefulSet, or at another API version, of the same name scales nothing here', () => {
    for (const [apiVersion, kind] of [
      ['apps/v1', 'StatefulSet'],
      ['apps/v1beta2', 'Deployment'],
    ]) {
      const m = fresh();
      if (m.autoscaler.spec) Object.assign(m.autoscaler.spec.scaleTargetRef, { apiVersion, kind });
      expect(selectorProblems(m)).toEqual([
        `HorizontalPodAutoscaler scales ${apiVersion} ${kind}/api, not apps/v1 Deployment/api`,
      ]);
    }
  });

  it('a Deployment with no spec or no pod spec is named, not a TypeError', () => {
    const hollow = fresh().deployment;
    unset(hollow.spec?.template ?? {}, 'spec');
    for (const deployment of [bare().deployment, hollow]) {
      expect(() => gracePeriodProblems(deployment, 20_000)).toThrow(/^Deployment .* has no container$/);
    }
    expect(() => gracePeriodProblems(bare().deployment, 20_000)).toThrow('Deployment undefined has no container');
  });
});

describe('missingVariables on broken objects', () => {
  it('an env entry with no value, or an empty valueFrom, gives the container nothing; a literal value does', () => {
    const m = fresh();
    const container = podContainer(m.deployment);
    container.env = [
      { name: 'DATABASE_URL', value: 'postgres://db/app' },
      { name: 'REDIS_URL', valueFrom: {} },
    ];
    expect(missingVariables(m, requiredVariables())).toEqual([expect.stringMatching(/^REDIS_URL is required/)]);
    container.env = [{ name: 'DATABASE_URL', value: 'postgres://db/app' }, { name: 'REDIS_URL' }];
    expect(missingVariables(m, requiredVariables())).toEqual([expect.stringMatching(/^REDIS_URL is required/)]);
  });

  it('a required variable the ConfigMap holds counts only while the container loads that ConfigMap', () => {
    const m = fresh();
    const container = podContainer(m.deployment);
    container.env = container.env?.filter((e) => e.name !== 'REDIS_URL');
    if (m.configMap.data) m.configMap.data.REDIS_URL = 'redis://cache:6379';
    container.envFrom = [{ secretRef: { name: 'api-extra' } }, ...(container.envFrom ?? [])];
    expect(missingVariables(m, requiredVariables())).toEqual([]);
    container.envFrom = [{ configMapRef: { name: 'api-configs' } }];
    expect(missingVariables(m, requiredVariables())).toEqual([
      expect.stringMatching(/^REDIS_URL is required/),
      'the container does not load ConfigMap api-config (envFrom): none of its settings reach the app',
    ]);
  });

  it('a variable that only a Secret loaded whole might hold is named, with the Secret and the fix', () => {
    const m = fresh();
    const container = podContainer(m.deployment);
    container.env = container.env?.filter((e) => e.name !== 'DATABASE_URL');
    const secrets = [{ secretRef: { name: 'api-secrets' } }, { secretRef: {} }, { secretRef: { name: 'db' } }];
    container.envFrom = [...secrets, ...(container.envFrom ?? [])];
    expect(missingVariables(m, requiredVariables())).toEqual([
      'DATABASE_URL is required by the config schema and may come from Secret api-secrets, db (envFrom), whose keys this check cannot see: name it in env with a secretKeyRef, so a Secret without it stops the pod instead of starting it without DATABASE_URL',
    ]);
  });

  it('a ConfigMap without NODE_ENV still boots as production, so NODE_ENV is not asked for', () => {
    const options = defaultOptions(`${builtRepository()}:1.4.2`);
    delete options.config.NODE_ENV;
    expect(missingVariables(serviceManifests(options), requiredVariables())).toEqual([]);
  });

  it('a nameless ConfigMap, an empty one, and a container with no env or envFrom', () => {
    const m = bare();
    m.deployment = fresh().deployment;
    const container = podContainer(m.deployment);
    expect(missingVariables(m, ['REDIS_URL'])).toEqual([
      'the container does not load ConfigMap undefined (envFrom): none of its settings reach the app',
    ]);
    unset(container, 'env', 'envFrom');
    expect(missingVariables(m, ['REDIS_URL'])).toHaveLength(2);
    container.envFrom = [{ configMapRef: {} }];
    expect(missingVariables(m, ['REDIS_URL'])).toEqual([expect.stringMatching(/^REDIS_URL is required/)]);
  });
});
