import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveServices } from '../resolve-service.js';
import { TEST_RUN_VARIABLE } from '../scratch-database.js';
import { isServiceName, type ServiceName } from '../services.js';
import { cleanupTestRun } from '../test-run.js';

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
  // The test workers (and the fixtures they start) inherit it, and mark what they create with it.
  // `pnpm test` sets one for all the packages it runs at once and sweeps after they all exit (even
  // on Ctrl-C, which can stop vitest before this teardown); a run of its own sweeps here.
  const inherited = process.env[TEST_RUN_VARIABLE];
  const run = inherited ?? randomBytes(6).toString('hex');
  process.env[TEST_RUN_VARIABLE] = run;
  return async () => {
    // Not while other packages of the same `pnpm test` may still be using theirs.
    if (!inherited) await cleanupTestRun(resolved, run).catch(() => {});
    await resolved.stop();
  };
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
