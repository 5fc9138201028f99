import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveServices } from '../resolve-service.js';
import { isServiceName, type ServiceName } from '../services.js';

/**
 * Resolves the services the package's manifest names, once per test run, and hands their URLs
 * to the test files. A missing service fails the run with the resolver's message: no silent skips.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = manifestServices(project.config.root);
  const resolved = await resolveServices(services);
  project.provide('databaseUrl', resolved.databaseUrl);
  project.provide('redisUrl', resolved.redisUrl);
  project.provide('amqpUrl', resolved.amqpUrl);
  return () => resolved.stop();
}

export function manifestServices(root: string): ServiceName[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    cookbook?: { services?: string[] };
  };
  const services = manifest.cookbook?.services ?? [];
  for (const service of services) {
    if (!isServiceName(service)) throw new Error(`package.json cookbook.services: unknown service "${service}"`);
  }
  return services as ServiceName[];
}
