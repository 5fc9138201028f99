import { createServer } from 'node:net';
import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCode, killServices, spawnService, waitForLog } from '../test/spawn-service.js';

// The process entry as `node` runs it: no IPC channel (no pm2), real signals.
const entry = new URL('./start.ts', import.meta.url);
const database = useTestDatabase('deployment_start');
afterAll(killServices);

const env = () => ({
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  DATABASE_URL: database.url,
  REDIS_URL: testServices().redisUrl,
  DRAIN_DELAY_MS: '0',
});

describe('service/start.ts', () => {
  it('serves without pm2 (no IPC to report ready to) and stops gracefully on SIGTERM: exit 0', async () => {
    const service = spawnService(entry, env());
    await waitForLog(service, (line) => line.message === 'listening');
    service.child.kill('SIGTERM');
    expect(await exitCode(service)).toBe(0);
    expect(service.lines.join('\n')).toContain('shutdown complete');
  });

  it('crashes with the stack on a failure that is not bad config (a port taken): exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const service = spawnService(entry, { ...env(), PORT: String(port) });
    expect(await exitCode(service)).toBe(1);
    await new Promise((resolve) => taken.close(resolve));
    const stderr = service.errors.join('\n');
    expect(stderr).toContain('EADDRINUSE');
    // Where it failed, for whoever reads the crash: more than the one line a config error gets.
    expect(stderr).toMatch(/\n\s+at /);
  });

  it('exits 1 with one line naming the variable, and no stack, when the config is bad', async () => {
    const service = spawnService(entry, { ...env(), PORT: 'eighty' });
    expect(await exitCode(service)).toBe(1);
    const stderr = service.errors.join('\n').trim();
    expect(stderr).toContain('PORT');
    expect(stderr.split('\n')).toHaveLength(1);
  });
});
