import { describe, expect, it } from 'vitest';
import { defaultOptions } from './deploy-options.js';
import { configThePodSees, serviceManifests } from './manifests.js';
import {
  admits,
  podContainer,
  quantity,
  refusedNames,
  restrictedViolations,
  rolloutBudget,
  serviceTargets,
} from './test/cluster.js';
import { builtRepository } from './test/render.js';

// What a cluster would do with the generated objects, asked of test/cluster.ts' model of its rules.
const options = defaultOptions(`${builtRepository()}:1.4.2`);
const m = serviceManifests(options);
const { port, metricsPort, drainDelayMs } = configThePodSees(options.config);

describe('what the cluster would do with the objects', () => {
  it('the API server accepts every name, and every ConfigMap and Secret name the container refers to', () => {
    expect(refusedNames(m)).toEqual([]);
    expect(podContainer(m.deployment).env?.map((e) => e.valueFrom?.secretKeyRef?.name)).toEqual([
      options.secretName,
      options.secretName,
    ]);
  });

  it('the ingress controller reaches the app port only, Prometheus the metrics port only, nobody else either', () => {
    const reach = (namespace: string) =>
      [port, metricsPort].filter((p) => admits(m.networkPolicy, m.deployment, namespace, p));
    expect(reach('ingress-nginx')).toEqual([port]);
    expect(reach('monitoring')).toEqual([metricsPort]);
    expect(reach('default')).toEqual([]);
  });

  it('the Service forwards to the port the app listens on', () => {
    expect(serviceTargets(m)).toEqual([port]);
  });

  it('pods are admitted where the restricted Pod Security Standard is enforced, on a read-only root filesystem', () => {
    expect(restrictedViolations(m.deployment)).toEqual([]);
    expect(podContainer(m.deployment).securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('a rollout never takes a serving pod away before its replacement is ready, at any size the HPA picks', () => {
    const { minReplicas = 1, maxReplicas = 1 } = m.autoscaler.spec ?? {};
    for (let replicas = minReplicas; replicas <= maxReplicas; replicas++) {
      const { unavailable, surge } = rolloutBudget(m.deployment, replicas);
      expect({ replicas, unavailable }).toEqual({ replicas, unavailable: 0 });
      // With nothing unavailable the rollout moves only by surging: at least one extra pod.
      expect(surge).toBeGreaterThanOrEqual(1);
    }
  });

  it('the HPA scales on CPU utilization, a share of the CPU the container requests; memory is capped', () => {
    const metrics = m.autoscaler.spec?.metrics ?? [];
    expect(metrics.map((x) => [x.type, x.resource?.name, x.resource?.target.type])).toEqual([
      ['Resource', 'cpu', 'Utilization'],
    ]);
    const { requests, limits } = podContainer(m.deployment).resources ?? {};
    expect(quantity(requests?.cpu)).toBeGreaterThan(0);
    expect(quantity(limits?.cpu)).toBeGreaterThanOrEqual(quantity(requests?.cpu));
    expect(quantity(limits?.memory)).toBeGreaterThanOrEqual(quantity(requests?.memory));
  });

  it('the in-process drain is shorter than the preStop pause, which already waited for the endpoints to go', () => {
    expect(drainDelayMs).toBeLessThan(options.preStopSeconds * 1_000);
  });
});
