import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { gracePeriodProblems, missingVariables, requiredVariables, selectorProblems } from './checks.js';
import { defaultOptions } from './deploy-options.js';
import { imageProblems } from './image-check.js';
import { configThePodSees, serviceManifests } from './manifests.js';
import { builtRepository, manifestsYaml } from './test/render.js';

const image = `${builtRepository()}:1.4.2`;
const fresh = () => serviceManifests(defaultOptions(image));

describe('what the schemas check', () => {
  it('every object validates against the Kubernetes schema kubernetes-models ships', () => {
    for (const model of Object.values(fresh())) expect(() => model.validate()).not.toThrow();
  });

  it('a wrong type fails validation, but a selector that selects nothing passes it', () => {
    const wrongType = fresh();
    Object.assign(wrongType.deployment.spec ?? {}, { replicas: 'three' });
    expect(() => wrongType.deployment.validate()).toThrow(/replicas/);
    const lost = fresh();
    if (lost.service.spec) lost.service.spec.selector = { app: 'web' };
    expect(() => lost.service.validate()).not.toThrow();
    expect(selectorProblems(lost)).toHaveLength(1);
  });
});

describe('what the schemas cannot check', () => {
  it('every selector and the autoscaler pick the Deployment’s pods', () => {
    expect(selectorProblems(fresh())).toEqual([]);
    const broken = fresh();
    if (broken.disruptionBudget.spec?.selector)
      broken.disruptionBudget.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'web' };
    if (broken.autoscaler.spec) broken.autoscaler.spec.scaleTargetRef.name = 'web';
    expect(selectorProblems(broken)).toEqual([
      expect.stringContaining('PodDisruptionBudget spec.selector {"app.kubernetes.io/name":"web"} does not match'),
      'HorizontalPodAutoscaler scales apps/v1 Deployment/web, not apps/v1 Deployment/api',
    ]);
  });

  it('the grace period outlasts the preStop pause plus the service’s own shutdown deadline, and follows it', () => {
    const { shutdownTimeoutMs } = configThePodSees(defaultOptions(image).config);
    expect(gracePeriodProblems(fresh().deployment, shutdownTimeoutMs)).toEqual([]);
    const slower = defaultOptions(image);
    slower.config.SHUTDOWN_TIMEOUT_MS = '60000';
    expect(gracePeriodProblems(serviceManifests(slower).deployment, 60_000)).toEqual([]);
    const broken = fresh();
    if (broken.deployment.spec?.template.spec) broken.deployment.spec.template.spec.terminationGracePeriodSeconds = 25;
    expect(gracePeriodProblems(broken.deployment, shutdownTimeoutMs)).toEqual([
      'terminationGracePeriodSeconds 25 must exceed preStop 5 s + the shutdown deadline 20 s: raise it above 25',
    ]);
  });

  it('every variable the config schema requires reaches the container', () => {
    const required = requiredVariables();
    expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
    expect(missingVariables(fresh(), required)).toEqual([]);
    const broken = fresh();
    const container = broken.deployment.spec?.template.spec?.containers[0];
    if (container) container.env = container.env?.filter((e) => e.name !== 'REDIS_URL');
    expect(missingVariables(broken, required)).toEqual([
      'REDIS_URL is required by the config schema but the container gets no value for it: add it to env (a secretKeyRef) or the ConfigMap',
    ]);
  });

  it('a ConfigMap value the config schema refuses fails generation, before any cluster sees it', () => {
    const bad = defaultOptions(image);
    bad.config.LOG_LEVEL = 'loud';
    expect(() => serviceManifests(bad)).toThrow('LOG_LEVEL must be one of');
  });

  it('the image is the one the Dockerfile builds, under a pinned tag', () => {
    expect(builtRepository()).toBe('cookbook-deployment');
    expect(imageProblems(fresh().deployment, builtRepository())).toEqual([]);
    const latest = serviceManifests(defaultOptions('cookbook-deployment:latest'));
    expect(imageProblems(latest.deployment, builtRepository())).toEqual([
      'image cookbook-deployment:latest has no pinned tag: use cookbook-deployment:<version or commit>',
    ]);
    const other = serviceManifests(defaultOptions('registry.example.com:5000/cookbook-api:1.4.2'));
    expect(imageProblems(other.deployment, builtRepository())).toEqual([
      'image registry.example.com:5000/cookbook-api:1.4.2 is not cookbook-deployment, the image the Dockerfile builds',
    ]);
  });
});

describe('the YAML a user applies', () => {
  it('holds the six objects, each parsing back to what was generated', () => {
    const m = fresh();
    const documents = parseAllDocuments(manifestsYaml(m)).map((d) => d.toJS() as { kind: string });
    expect(documents.map((d) => d.kind)).toEqual([
      'ConfigMap',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
    ]);
    expect(documents[1]).toEqual(JSON.parse(JSON.stringify(m.deployment.toJSON())));
  });
});
