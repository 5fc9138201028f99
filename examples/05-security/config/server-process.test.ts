import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const envDir = mkdtempSync(join(tmpdir(), 'cookbook-security-'));
const database = useTestDatabase('security_server');
const prefix = redisPrefix('security_server');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(envDir, { recursive: true, force: true });
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

/** Starts `src/server.ts` the way the README says, `node --env-file=.env`, with nothing else set. */
function startServer(envFile: Record<string, string>) {
  const file = join(envDir, `${children.length}.env`);
  writeFileSync(
    file,
    Object.entries(envFile)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  // Only PATH is inherited: a JWT_SECRET in the test runner's environment must not leak in.
  const child = spawn(process.execPath, [`--env-file=${file}`, '--import', 'tsx', 'src/server.ts'], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '' },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
  });
  listening.catch(() => {});
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

const serviceEnv = () => ({
  DATABASE_URL: database.url,
  REDIS_URL: testServices().redisUrl,
  CORS_ORIGINS: 'https://app.example.com',
  PORT: '0',
  RATE_LIMIT_PREFIX: prefix,
});

// Concurrent: each child pays tsx's start-up (seconds on a loaded machine), so overlap them.
describe.concurrent('config: the server process', () => {
  it('exits 1 with one line naming JWT_SECRET when it is missing, before listening', async () => {
    const server = startServer(serviceEnv());
    expect(await server.exited).toBe(1);
    const { stdout, stderr } = server.output();
    expect(stderr.trim()).toBe('Invalid configuration: JWT_SECRET is missing');
    expect(stdout).not.toContain('listening');
  });

  it('exits 1 naming JWT_SECRET when it is too short, without echoing it', async () => {
    const server = startServer({ ...serviceEnv(), JWT_SECRET: 'hunter2' });
    expect(await server.exited).toBe(1);
    const { stderr } = server.output();
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('JWT_SECRET must be at least 32 characters');
    expect(stderr).not.toContain('hunter2');
  });

  it('starts with a valid file, answers, and stops cleanly on SIGTERM', async () => {
    const server = startServer({ ...serviceEnv(), JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123' });
    const url = await server.listening;
    const res = await fetch(`${url}/api/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('ratelimit-policy')).toContain('q=100');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
