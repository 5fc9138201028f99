import type { Server } from 'node:http';
import { type Connections, drainConnections, trackConnections } from './connections.js';

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
  /** How open connections are wound down; tests swap in closeAtOnce to compare. */
  drainWith?: typeof drainConnections;
}

// #region graceful-shutdown
/**
 * Returns `shutdown(signal)`. In order: report not-ready; for `drainDelayMs` keep serving (the load
 * balancer notices) while telling keep-alive clients to reconnect elsewhere; stop accepting; let
 * in-flight requests finish; close the pools; exit 0. Past `timeoutMs` it exits 1 whatever hangs;
 * a second call exits 1 at once.
 */
export function gracefulShutdown(options: ShutdownOptions): (signal: string) => Promise<void> {
  const { server, markNotReady, closers, logger, drainDelayMs, timeoutMs, exit = process.exit } = options;
  const connections: Connections = trackConnections(server);
  const { inFlight } = connections;
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
    await (options.drainWith ?? drainConnections)(server, connections, drainDelayMs, () =>
      logger.info('stopped accepting connections', { inFlight: inFlight.size }),
    );
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
