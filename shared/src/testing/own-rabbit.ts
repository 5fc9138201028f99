import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reservablePort } from '../ports.js';

/**
 * A RabbitMQ node of the test's own, on free ports, with its data in a temp dir, that the test can
 * crash and start again. Fault tests never touch the shared broker.
 */
export interface OwnRabbit {
  url: string;
  /**
   * Stops the node and starts it again on the same data: by default with SIGKILL, as a crash or an
   * OOM kill would; `'graceful'` stops it as `rabbitmqctl stop` does, writing everything to disc.
   */
  restart(how?: 'crash' | 'graceful'): Promise<void>;
  /** Kills the node and removes its files. */
  stop(): Promise<void>;
}

// Debian's wrapper in /usr/sbin switches to the rabbitmq user; this one runs as whoever calls it.
const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
let started = 0;

export async function startOwnRabbit(): Promise<OwnRabbit> {
  const [port, distPort] = [await reservablePort(), await reservablePort()];
  const dir = mkdtempSync(join(tmpdir(), 'cookbook-rabbit-'));
  // Its own config: the machine's /etc/rabbitmq/rabbitmq.conf names the shared broker's port.
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  started += 1;
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: `cookbook-${process.pid}-${started}@localhost`,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
  };
  let node = await launch(env);
  // Never outlive the test process, even when a failed test skips its cleanup.
  const killOnExit = () => killGroup(node);
  process.once('exit', killOnExit);
  const kill = async (how: 'crash' | 'graceful' = 'crash') => {
    if (node.exitCode === null && node.signalCode === null) {
      const exited = once(node, 'exit');
      // The script traps SIGTERM and stops the broker cleanly; SIGKILL to the group is a crash.
      if (how === 'graceful') node.kill('SIGTERM');
      else killGroup(node);
      await exited;
    }
    // The script exits first; the Erlang VM may hold the port and the data dir a moment longer.
    while (groupAlive(node)) await sleep(20);
  };
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    async restart(how) {
      await kill(how);
      node = await launch(env);
    },
    async stop() {
      process.off('exit', killOnExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function groupAlive(node: ChildProcess): boolean {
  try {
    if (node.pid !== undefined) process.kill(-node.pid, 0);
    return node.pid !== undefined;
  } catch {
    return false;
  }
}

/** The script and the Erlang VM it starts share a process group of their own: kill them together. */
function killGroup(node: ChildProcess): void {
  try {
    if (node.pid !== undefined) process.kill(-node.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function launch(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const node = spawn(SERVER, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ready = () => {};
  const read = (chunk: string) => {
    output += chunk;
    // Printed once the broker is up and its listeners are open.
    if (output.includes('Starting broker... completed')) ready();
  };
  node.stdout?.setEncoding('utf8').on('data', read);
  node.stderr?.setEncoding('utf8').on('data', read);
  await new Promise<void>((resolve, reject) => {
    ready = resolve;
    node.once('error', (error) =>
      reject(new Error(`${SERVER} could not start (${error.message}): install the Debian package rabbitmq-server`)),
    );
    node.once('exit', (code) => reject(new Error(`rabbitmq-server exited (${code}) before it was ready:\n${output}`)));
  });
  node.removeAllListeners('exit');
  node.stdout?.off('data', read).resume();
  node.stderr?.off('data', read).resume();
  return node;
}
