import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Router } from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test/service.js';
import { probeProblems } from './checks.js';
import { defaultOptions } from './deploy-options.js';
import { serviceManifests } from './manifests.js';
import { podContainer } from './test/cluster.js';
import { builtRepository } from './test/render.js';

const fresh = () => serviceManifests(defaultOptions(`${builtRepository()}:1.4.2`));
const { redisUrl, databaseUrl } = testServices();
const prefix = redisPrefix('deployment-k8s');
let app: TestService;

beforeAll(async () => {
  // The production routes only: no demo route may make a probe path look served.
  app = await startTestService(
    { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
    { extraRoutes: () => Router() },
  );
});
afterAll(async () => {
  await app?.stop();
  const redis = new Redis(redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});
const status = async (path: string) => (await fetch(`${app.url}${path}`)).status;

describe('the probes, asked of the real app', () => {
  it('each probe asks a route the real app serves, on a declared port', async () => {
    expect(await status('/health/ready')).toBe(200);
    expect(await probeProblems(fresh().deployment, status)).toEqual([]);
    const broken = fresh();
    const container = podContainer(broken.deployment);
    if (container.livenessProbe?.httpGet) container.livenessProbe.httpGet.path = '/healthz';
    if (container.readinessProbe?.httpGet) container.readinessProbe.httpGet.port = 8080;
    expect(await probeProblems(broken.deployment, status)).toEqual([
      'livenessProbe path /healthz is not a route of the app (404)',
      'readinessProbe probes port 8080, which the container does not declare in ports',
    ]);
  });

  it('a probe by port number is fine when the container declares that number', async () => {
    const m = fresh();
    const container = podContainer(m.deployment);
    const http = container.ports?.find((p) => p.name === 'http')?.containerPort;
    if (container.startupProbe?.httpGet && http) container.startupProbe.httpGet.port = http;
    expect(await probeProblems(m.deployment, status)).toEqual([]);
  });

  it('a missing probe, a probe with no path (the kubelet asks /) and a container with no ports are each named', async () => {
    const m = fresh();
    const container = podContainer(m.deployment);
    container.startupProbe = undefined;
    if (container.livenessProbe?.httpGet) container.livenessProbe.httpGet.path = undefined;
    container.ports = undefined;
    expect(await probeProblems(m.deployment, status)).toEqual([
      'startupProbe is missing or not an httpGet probe',
      'livenessProbe probes port http, which the container does not declare in ports',
      'livenessProbe path / is not a route of the app (404)',
      'readinessProbe probes port http, which the container does not declare in ports',
    ]);
  });

  it('a Deployment with no container is named, not a TypeError', async () => {
    const m = fresh();
    if (m.deployment.spec?.template.spec) m.deployment.spec.template.spec.containers = [];
    await expect(probeProblems(m.deployment, status)).rejects.toThrow('Deployment api has no container');
  });
});
