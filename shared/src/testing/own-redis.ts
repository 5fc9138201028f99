import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservablePort } from '../ports.js';

/**
 * A redis-server of the test's own, on a free port, that the test can restart (SIGKILL, then start
 * again on the same port and directory) or pause (SIGSTOP/SIGCONT). Fault tests never touch the
 * shared Redis.
 */
export interface OwnRedis {
  url: string;
  /** Kills the server as a crash would and starts it again; with `appendonly` its data comes back. */
  restart(): Promise<void>;
  /** SIGSTOP: the process holds its connections and answers nothing, as a stalled server does. */
  pause(): void;
  resume(): void;
  /** Kills the server (a paused one too, without letting it answer what it holds) and removes its files. */
  stop(): Promise<void>;
}

export async function startOwnRedis({ appendonly = false } = {}): Promise<OwnRedis> {
  const port = await reservablePort();
  const dir = mkdtempSync(join(tmpdir(), 'cookbook-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push(...(appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let server = await launch(args);
  // Never outlive the test process, even when a failed test skips its cleanup.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  const kill = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGKILL');
    await once(server, 'exit');
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill();
      server = await launch(args);
    },
    pause: () => void server.kill('SIGSTOP'),
    resume: () => void server.kill('SIGCONT'),
    async stop() {
      process.off('exit', killOnExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[]): Promise<ChildProcess> {
  const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`redis-server could not start (${error.message}): install the Debian package redis-server`)),
    );
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  server.removeAllListeners('exit');
  server.stdout?.resume();
  return server;
}
