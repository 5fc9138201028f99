import cluster, { type Worker } from 'node:cluster';
import { CrashHistory, type RestartPolicy } from './cluster-policy.js';

export interface PrimaryOptions extends RestartPolicy {
  /** The worker entry file; each worker runs it. */
  exec: string;
  workers: number;
  /** Every worker listens on it; the primary hands out connections (0 picks one free port for all). */
  port: number;
  /** A worker still busy this long after shutdown starts is killed. */
  shutdownTimeoutMs: number;
  log?: (line: string) => void;
}

export interface Primary {
  /** Resolves with the URL once the first worker listens. */
  ready: Promise<string>;
  /** Resolves with the exit code once every worker is gone (0: clean stop, 1: crash loop). */
  stopped: Promise<number>;
  stop(): void;
}

// #region primary
/** Forks the workers, restarts crashed ones with a backoff, and shuts them down gracefully. */
export function startPrimary(options: PrimaryOptions): Primary {
  const log = options.log ?? console.log;
  const history = new CrashHistory(options);
  // Tracked here: cluster.workers drops a worker on disconnect, before its process has exited.
  const live = new Set<Worker>();
  const pending = new Set<NodeJS.Timeout>();
  let stopping = false;
  let exitCode = 0;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));

  cluster.setupPrimary({ exec: options.exec });
  const ready = new Promise<string>((resolve) => {
    cluster.on('listening', (worker, address) => {
      log(`worker ${worker.process.pid} listening`);
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping || worker.exitedAfterDisconnect) {
      if (stopping && live.size === 0) resolveStopped(exitCode);
      return;
    }
    const decision = history.record(Date.now());
    if (decision.restart) {
      log(`worker ${worker.process.pid} died (${signal ?? code}), restarting in ${decision.delayMs} ms`);
      const timer = setTimeout(() => {
        pending.delete(timer);
        fork();
      }, decision.delayMs);
      pending.add(timer);
    } else {
      log(`crash loop: ${decision.crashes} crashes within ${options.windowMs} ms, giving up`);
      exitCode = 1;
      stop();
    }
  });

  function stop(): void {
    if (stopping) return;
    stopping = true;
    for (const timer of pending) clearTimeout(timer);
    if (live.size === 0) resolveStopped(exitCode);
    for (const worker of live) {
      // disconnect() closes the worker's servers: in-flight requests finish, new ones go elsewhere.
      worker.send({ cmd: 'shutdown' });
      worker.disconnect();
      setTimeout(() => worker.isDead() || worker.process.kill('SIGKILL'), options.shutdownTimeoutMs).unref();
    }
  }

  function fork(): void {
    live.add(cluster.fork({ PORT: String(options.port) }));
  }

  for (let i = 0; i < options.workers; i++) fork();
  return { ready, stopped, stop };
}
// #endregion primary

// #region naive
/** ❌ The seed's primary: re-forks the instant a worker dies, so a crash at startup loops forever. */
export function naivePrimary(exec: string, workers: number, port: number): void {
  cluster.setupPrimary({ exec });
  for (let i = 0; i < workers; i++) cluster.fork({ PORT: String(port) });
  cluster.on('exit', (worker) => {
    console.log(`worker ${worker.process.pid} died, starting new one`);
    cluster.fork({ PORT: String(port) });
  });
}
// #endregion naive
