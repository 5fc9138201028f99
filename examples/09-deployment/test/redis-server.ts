import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { reservablePort, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';

export interface OwnRedis {
  url: string;
  /** SIGSTOP: the process holds its connections and answers nothing, as a stalled server does. */
  pause(): void;
  resume(): void;
  /** Kills the server: connections drop, new ones are refused. */
  stop(): Promise<void>;
}

/** A redis-server of this test's own on a free port, so a fault test never touches the shared one. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await reservablePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = once(child, 'exit');
  const failed = once(child, 'error').then(([error]: Error[]) => {
    throw new Error(`redis-server could not start (${error?.message}): install the Debian package redis-server`);
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const answers = () =>
    probe.connect().then(
      () => probe.ping(),
      () => false,
    );
  await Promise.race([waitUntil(answers, `redis-server on ${port}`, 10_000, 50), failed]);
  probe.disconnect();
  return {
    url,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGKILL ends a stopped process too, without letting it answer what it holds.
      child.kill('SIGKILL');
      await exited;
    },
  };
}
