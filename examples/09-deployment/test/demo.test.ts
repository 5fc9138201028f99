import { spawn } from 'node:child_process';
import { spawnFixture, testServices, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { get } from './http.js';

/** Keys under the demos' prefix (`test:deployment-demo:<random>:`, see demo-env.ts). */
async function demoKeys(): Promise<string[]> {
  const redis = new Redis(testServices().redisUrl);
  try {
    return await redis.keys('test:deployment-demo:*');
  } finally {
    await redis.quit();
  }
}

describe('pnpm example deployment graceful-shutdown', () => {
  it('prints a `curl … & kill -TERM` line that works as printed, and leaves no Redis key behind', async () => {
    const demo = spawnFixture(new URL('../src/main.ts', import.meta.url), {
      args: ['graceful-shutdown'],
      env: {
        DATABASE_URL: testServices().databaseUrl,
        REDIS_URL: testServices().redisUrl,
        PORT: '0',
        METRICS_PORT: '0',
      },
    });
    try {
      const [, url] = await demo.waitForLine(/Listening on (http:\/\/\S+) /, 30_000);
      // A request that writes to Redis, so there is a key to clean up.
      expect((await get(`${url}/api/time`)).status).toBe(200);
      expect((await demoKeys()).length).toBeGreaterThan(0);
      const [printed = ''] = await demo.waitForLine(/curl -s .* & kill -TERM \d+.*$/);
      const shell = spawn('sh', ['-c', printed.trim()], { stdio: ['ignore', 'pipe', 'inherit'] });
      let answer = '';
      shell.stdout.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      // The pipe closes when curl, left in the background by the line, has its answer.
      await new Promise((resolve) => shell.stdout.once('close', resolve));
      expect(JSON.parse(answer)).toMatchObject({ workedMs: 2000 });
      expect(await demo.exited).toBe(0);
      await waitUntil(async () => (await demoKeys()).length === 0, 'the demo keys to be deleted', 5_000);
    } finally {
      await demo.kill();
    }
  });
});
