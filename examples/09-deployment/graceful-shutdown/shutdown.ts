import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Closer {
  name: string;
  close(): Promise<unknown>;
}

/** Where the shutdown reports its steps: winston, pino and console all fit. */
export interface ShutdownLog {
  info(message: string, fields?: object): unknown;
  warn(message: string, fields?: object): unknown;
  error(message: string, fields?: object): unknown;
}

export interface ShutdownOptions {
  server: Server;
  /** Called first, so readiness answers 503 and the load balancer stops sending. */
  markNotReady(): void;
  /** Closed in order after the last request has finished: pools, clients, queues. */
  closers: readonly Closer[];
  logger: ShutdownLog;
  drainDelayMs: number;
  timeoutMs: number;
  exit?: (code: number) => void;
}

// #region graceful-shutdown
/**
 * Returns `shutdown(signal)`. In order: report not-ready, give the load balancer `drainDelayMs`
 * to notice, stop accepting, let in-flight requests finish (telling keep-alive clients to
 * reconnect elsewhere), close the pools, exit 0. Past `timeoutMs` it exits 1 whatever hangs;
 * a second call exits 1 at once.
 */
export function gracefulShutdown(options: ShutdownOptions): (signal: string) => Promise<void> {
  const { server, markNotReady, closers, logger, drainDelayMs, timeoutMs, exit = process.exit } = options;
  const inFlight = trackInFlight(server);
  let stopping = false;
  return async (signal) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal, inFlight: inFlight.size });
      return exit(1);
    }
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline exceeded', { timeoutMs, inFlight: inFlight.size });
      exit(1);
    }, timeoutMs);
    markNotReady();
    logger.info('shutdown started', { signal, inFlight: inFlight.size });
    await sleep(drainDelayMs);
    const closed = new Promise((resolve) => server.close(resolve));
    // A keep-alive socket would otherwise stay open for keepAliveTimeout after its last response.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    // Requests still arriving on open sockets: prepended so the header is set before any handler answers.
    server.prependListener('request', (_req, res: ServerResponse) => res.setHeader('connection', 'close'));
    logger.info('stopped accepting connections', { inFlight: inFlight.size });
    await closed;
    logger.info('http server closed');
    for (const closer of closers) {
      await closer.close().catch((error: unknown) => logger.error('close failed', { closer: closer.name, err: error }));
    }
    clearTimeout(deadline);
    logger.info('shutdown complete');
    exit(0);
  };
}
// #endregion graceful-shutdown

function trackInFlight(server: Server): Set<ServerResponse> {
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return inFlight;
}

/** SIGTERM (Docker, Kubernetes, systemd) and SIGINT (Ctrl-C, pm2) both start the shutdown. */
export function onSignals(shutdown: (signal: string) => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
}

// #region naive-shutdown
/** The Q&A's handler: close() is not awaited, so the pools close and the process exits under live requests. */
export function naiveShutdown({ server, closers, logger, exit = process.exit }: ShutdownOptions) {
  return async (_signal: string) => {
    logger.info('Received shutdown signal');
    server.close(() => logger.info('HTTP server closed'));
    for (const closer of closers) await closer.close();
    exit(0);
  };
}
// #endregion naive-shutdown
