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
/** Errors of a write to a worker whose end of the IPC channel is already closed: it is gone, not broken. */
const PEER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED', 'ERR_IPC_DISCONNECTED']);

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
    // A worker that disconnected itself (`cluster.worker.disconnect()`) left on purpose: not a crash.
    if (stopping || worker.exitedAfterDisconnect) {
      // 0 when it finished its requests and closed; SIGKILL when shutdownTimeoutMs ran out first.
      log(`worker ${worker.process.pid} stopped (${signal ?? code})`);
      if (stopping && live.size === 0) resolveStopped(exitCode);
      return;
    }
    const decision = history.record(Date.now());
    if (decision.restart) {
      log(`worker ${worker.process.pid} died (${signal ?? code}), restarting in ${decision.delayMs} ms`);
      const timer = setTimeout(() => {
        // Stryker disable next-line CallExpression: only frees memory; clearing a timer that has fired does nothing
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
    // A second signal (SIGTERM, then Ctrl-C) changes nothing: a worker's second disconnect() cuts the
    // requests it is still finishing.
    if (stopping) return;
    stopping = true;
    for (const timer of pending) clearTimeout(timer);
    if (live.size === 0) resolveStopped(exitCode);
    for (const worker of live) {
      // 'shutdown' lets the app close what it holds; disconnect() closes its servers even if it does not
      // listen for that: in-flight requests finish, new ones go elsewhere. To a worker already dead or
      // cut off, both writes fail as an 'error' (see fork()), and its 'exit' or the timer ends it.
      worker.send({ cmd: 'shutdown' });
      worker.disconnect();
      setTimeout(() => worker.isDead() || worker.process.kill('SIGKILL'), options.shutdownTimeoutMs).unref();
    }
  }

  function fork(): void {
    const worker = cluster.fork({ PORT: String(options.port) });
    // stop() writes to every worker whose 'exit' it has not seen, and one may be dead by then: the write
    // fails as an 'error' event (EPIPE), which unheard would crash the primary. Its 'exit' follows.
    worker.on('error', (error: NodeJS.ErrnoException) => {
      // Stryker disable next-line StringLiteral: any stand-in for "no code" is outside the set, as '' is
      if (!PEER_GONE.has(error.code ?? '')) log(`worker ${worker.process.pid}: ${error.message}`);
    });
    live.add(worker);
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
