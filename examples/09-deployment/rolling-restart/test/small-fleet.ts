import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservablePort } from '@cookbook/shared/testing';
import { type Haproxy, startHaproxy } from '../haproxy.js';
import { type Backend, haproxyConfig } from '../haproxy-config.js';
import type { Instance } from '../roll.js';
import { FLEET_CHECKS } from './fleet.js';

/** How an in-process instance behaves on SIGTERM and at start, to play each way a roll can go wrong. */
export interface Behaviour {
  /** How long it keeps serving once not ready; 0 exits at once, before HAProxy can notice. */
  drainMs?: number;
  /** The exit code its shutdown ends with. */
  exitCode?: number;
  /** Never answers its readiness probe with 200. */
  neverReady?: boolean;
  /** Exits with this code right after it starts, without listening. */
  crashWith?: number;
}

export interface SmallFleet {
  url: string;
  statsSocket: string;
  haproxy: Haproxy;
  instances: Instance[];
  /** Starts `name` on its port, behaving as `behave` says for that name at the time. */
  start(name: string): Promise<Instance>;
  behave: Map<string, Behaviour>;
  /** Emits `slow` as a `GET /slow` (answered a second later) arrives at an instance. */
  arrivals: EventEmitter;
  stop(): Promise<void>;
}

let nextPid = 1_000;

/**
 * Instances as HTTP servers in this process, each doing the service's drain (readiness 503 at once,
 * serving for `drainMs`, then closed), behind a real HAProxy with the fleet's probe timing: a roll
 * of two takes seconds, where the fleet of real service processes takes a minute.
 */
export async function startSmallFleet(size: number, first: Record<string, Behaviour> = {}): Promise<SmallFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'cookbook-small-fleet-'));
  const backends: Backend[] = [];
  for (let i = 1; i <= size; i += 1)
    backends.push({ name: `api-${i}`, host: '127.0.0.1', port: await reservablePort() });
  const behave = new Map<string, Behaviour>(Object.entries(first));
  const running = new Set<Instance>();
  const arrivals = new EventEmitter();
  const start = async (name: string): Promise<Instance> => {
    const backend = backends.find((b) => b.name === name) as Backend;
    const { drainMs = 1_500, exitCode = 0, neverReady = false, crashWith } = behave.get(name) ?? {};
    const pid = nextPid++;
    if (crashWith !== undefined) {
      return { name, pid, terminate: () => {}, exited: Promise.resolve(crashWith) };
    }
    let ready = !neverReady;
    const server = createServer((req, res) => {
      const status = req.url === '/health/ready' && !ready ? 503 : 200;
      const answer = () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ pid }));
      if (req.url !== '/slow') return void answer();
      arrivals.emit('slow');
      setTimeout(answer, 1_000);
    });
    server.listen(backend.port, backend.host);
    await once(server, 'listening');
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number | null>((resolve) => {
      exit = resolve;
    });
    const instance: Instance = {
      name,
      pid,
      terminate: () => {
        ready = false;
        setTimeout(() => {
          server.closeAllConnections();
          server.close(() => exit(exitCode));
        }, drainMs);
      },
      exited,
    };
    running.add(instance);
    void exited.then(() => running.delete(instance));
    return instance;
  };
  const instances = await Promise.all(backends.map((b) => start(b.name)));
  // Replacements behave normally unless a test says otherwise.
  behave.clear();
  const statsSocket = join(dir, 'haproxy.sock');
  const frontendPort = await reservablePort();
  const haproxy = await startHaproxy({
    config: haproxyConfig({ frontendPort, backends, statsSocket, ...FLEET_CHECKS }),
    configPath: join(dir, 'haproxy.cfg'),
    statsSocket,
    backend: 'instances',
    binary: '/usr/sbin/haproxy',
  });
  return {
    url: `http://127.0.0.1:${frontendPort}`,
    statsSocket,
    haproxy,
    instances,
    start,
    behave,
    arrivals,
    async stop() {
      await haproxy.stop();
      for (const instance of running) instance.terminate();
      await Promise.all([...running].map((i) => i.exited));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
