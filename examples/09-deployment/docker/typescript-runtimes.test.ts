import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killStarted, runNode } from './test/run-node.js';
import { strippableCopy } from './test/strippable-copy.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const copy = strippableCopy(root, `strip-test-${process.pid}`);
const database = useTestDatabase('deployment_strip');
afterAll(() => {
  killStarted();
  rmSync(copy, { recursive: true, force: true });
});

describe("Node's own type stripping", () => {
  it('runs the shipped code as it is (erasable syntax only), once its imports say .ts', async () => {
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: testServices().redisUrl,
      DRAIN_DELAY_MS: '0',
    };
    // Plain node, no loader: Node itself reads the .ts files.
    const service = await runNode([join(copy, 'service/start.ts')], env, root);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('stays possible: the build refuses syntax that type stripping cannot erase', () => {
    const build = readFileSync(join(root, 'tsconfig.build.json'), 'utf8');
    expect(build).toMatch(/"erasableSyntaxOnly": true/);
  });
});
