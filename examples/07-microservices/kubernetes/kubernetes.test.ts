import { readFileSync } from 'node:fs';
import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedSystem, launchSystem } from '../order-flow/launcher.js';
import { DEPLOYABLES, type ServiceName } from '../order-flow/services/deployables.js';
import { requiredVariables } from '../order-flow/services/env.js';
import { consumerQueues, useRabbit } from '../test/amqp.js';
import {
  gracePeriodProblems,
  imageProblems,
  missingVariables,
  networkPolicyProblems,
  probeProblems,
  selectorProblems,
} from './checks.js';
import { CALLERS, defaultOptions, systemManifests } from './manifests.js';

const dockerfile = readFileSync(new URL('../order-flow/docker/Dockerfile', import.meta.url), 'utf8');
const fresh = () => systemManifests(defaultOptions('1.4.2'));
const names = Object.keys(DEPLOYABLES) as ServiceName[];
const database = useTestDatabase('microservices_k8s');
const rabbit = useRabbit('k8s');
const prefix = redisPrefix('microservices-k8s');
const email = consumerQueues(rabbit.names, 'email');
let system: LaunchedSystem;

// The four services as four processes: the probe check asks each of them, not a list of routes.
beforeAll(async () => {
  system = await launchSystem({
    databaseUrl: database.url,
    amqpUrl: testServices().amqpUrl,
    redisUrl: testServices().redisUrl,
    names: {
      exchange: rabbit.names.exchange('orders'),
      emailQueue: email.queue,
      emailDeadLetterQueue: email.deadLetterQueue,
      redisPrefix: prefix,
    },
    apiKeys: new Map([['test-key', 'test-client']]),
    logSink: () => {},
  });
}, 120_000);
afterAll(async () => {
  await system?.stop();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

it('every object of the four services validates against the Kubernetes schemas', () => {
  for (const objects of Object.values(fresh()))
    for (const model of Object.values(objects)) expect(() => model.validate()).not.toThrow();
});

describe('checks the schemas cannot do, each catching a broken manifest', () => {
  it('selectors pick each Deployment’s own pods', () => {
    for (const name of names) expect(selectorProblems(fresh()[name])).toEqual([]);
    const broken = fresh()['order-service'];
    if (broken.service.spec) broken.service.spec.selector = { 'app.kubernetes.io/name': 'orders' };
    expect(selectorProblems(broken)).toEqual([expect.stringContaining('order-service: Service spec.selector')]);
  });

  it('every probe asks a route the running service serves, on a declared port', async () => {
    for (const service of system.services) {
      const status = async (path: string) => (await fetch(`${service.url}${path}`)).status;
      expect(await probeProblems(fresh()[service.name].deployment, status)).toEqual([]);
    }
    const user = system.services.find((s) => s.name === 'user-service');
    const broken = fresh()['user-service'].deployment;
    const probe = broken.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet;
    if (probe) probe.path = '/ready';
    const status = async (path: string) => (await fetch(`${user?.url}${path}`)).status;
    expect(await probeProblems(broken, status)).toEqual([
      'user-service: readinessProbe path /ready is not a route of the service (404)',
    ]);
  });

  it('each grace period outlasts preStop plus that service’s SHUTDOWN_TIMEOUT_MS', () => {
    for (const name of names) {
      expect(
        gracePeriodProblems(fresh()[name].deployment, Number(DEPLOYABLES[name].env.SHUTDOWN_TIMEOUT_MS?.default)),
      ).toEqual([]);
    }
    const broken = fresh().gateway.deployment;
    if (broken.spec?.template.spec) broken.spec.template.spec.terminationGracePeriodSeconds = 10;
    expect(gracePeriodProblems(broken, 10_000)).toEqual([
      'gateway: terminationGracePeriodSeconds 10 must exceed 15 (preStop + SHUTDOWN_TIMEOUT_MS)',
    ]);
  });

  it('every variable each schema requires is provided', () => {
    for (const name of names)
      expect(missingVariables(fresh()[name], requiredVariables(DEPLOYABLES[name].env))).toEqual([]);
    const broken = fresh()['order-service'];
    const c = broken.deployment.spec?.template.spec?.containers[0];
    if (c) c.env = c.env?.filter((e) => e.name !== 'AMQP_URL');
    expect(missingVariables(broken, requiredVariables(DEPLOYABLES['order-service'].env))).toEqual([
      'order-service: AMQP_URL is required by its schema but not provided',
    ]);
  });

  it('each image is a Dockerfile target under a pinned tag, on the port that target exposes', () => {
    for (const name of names) expect(imageProblems(fresh()[name].deployment, dockerfile)).toEqual([]);
    const broken = fresh()['email-service'].deployment;
    const c = broken.spec?.template.spec?.containers[0];
    if (c?.ports?.[0]) c.ports[0].containerPort = 3999;
    expect(imageProblems(broken, dockerfile)).toEqual([
      "email-service: containerPort 3999 is not the target's EXPOSE 3003",
    ]);
    if (c) c.image = 'emails:latest';
    expect(imageProblems(broken, dockerfile)).toHaveLength(2);
  });

  it('only the gateway is reachable from outside; each service admits exactly its callers', () => {
    for (const name of names) expect(networkPolicyProblems(fresh()[name], CALLERS[name])).toEqual([]);
    const open = fresh()['user-service'];
    open.networkPolicy.spec?.ingress?.push({ from: [{ podSelector: {} }] });
    expect(networkPolicyProblems(open, CALLERS['user-service'])).toEqual([
      'user-service: its NetworkPolicy admits anyone, which is not a declared caller',
    ]);
    const shut = fresh()['order-service'];
    if (shut.networkPolicy.spec) shut.networkPolicy.spec.ingress = [];
    expect(networkPolicyProblems(shut, CALLERS['order-service'])).toEqual([
      'order-service: its NetworkPolicy shuts out gateway, a declared caller',
    ]);
  });
});
