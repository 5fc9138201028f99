import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import { gracefulShutdown, onSignals, type ShutdownOptions } from '../graceful-shutdown/shutdown.js';
import { Lifecycle } from '../health/health.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { collectRuntimeMetrics, recordPoolMetrics } from '../telemetry/metrics.js';
import { createMetricsServer } from '../telemetry/metrics-server.js';
import { startedParts } from '../telemetry/started.js';
import { createApp } from './app.js';
import { type ClientSettings, type Clients, createClients } from './clients.js';

export interface Service {
  url: string;
  /** `/metrics`, on a port of its own. */
  metricsUrl: string;
  server: Server;
  logger: Logger;
  lifecycle: Lifecycle;
  clients: Clients;
  shutdown(signal: string): Promise<void>;
}

export interface ServiceOptions {
  logStream?: Writable;
  exit?: (code: number) => void;
  /** How the service stops; tests swap in the naive version to compare. */
  shutdownWith?: (options: ShutdownOptions) => (signal: string) => Promise<void>;
  /** How open connections are wound down at shutdown; tests swap in closeAtOnce to compare. */
  drainWith?: ShutdownOptions['drainWith'];
  /** How the service makes its clients; tests swap in the naive ones to compare. */
  clientsWith?: (settings: ClientSettings) => Clients;
  /** SIGTERM/SIGINT start the shutdown (the process entry); in-process tests and demos leave signals alone. */
  handleSignals?: boolean;
  /** Routes a demo or test mounts under /api; production mounts none. */
  extraRoutes?: (clients: Clients) => Router;
}

// #region start-service
/** Wires config, logger, pools, app, server and shutdown; resolves once it is listening. */
export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logger = createLogger({ service: config.service, level: config.logLevel, stream: options.logStream });
  const clients = (options.clientsWith ?? createClients)(config);
  const { pool, readinessPool, redis } = clients;
  for (const idle of new Set([pool, readinessPool])) {
    idle.on('error', (error) => logger.warn('idle postgres connection lost', { error: error.message }));
  }
  logRedisState(redis, logger);
  // Serve without Redis if it is down (readiness says so), but do not fail the first requests of a normal start.
  await redisReady(redis, config.dependencyTimeoutMs);
  const lifecycle = new Lifecycle();
  const { healthCheckTimeoutMs, requestTimeoutMs, dbQueueMax } = config;
  const extraRoutes = options.extraRoutes?.(clients);
  const metrics = new Registry();
  collectRuntimeMetrics(metrics);
  recordPoolMetrics(metrics, { api: pool, readiness: readinessPool });
  const metricsServer = createMetricsServer(metrics);
  const app = createApp({
    clients,
    metrics,
    logger,
    lifecycle,
    healthCheckTimeoutMs,
    requestTimeoutMs,
    dbQueueMax,
    ...(extraRoutes ? { extraRoutes } : {}),
  });
  const server = createServer(app);
  // Outlive the load balancer's idle timeout (60 s on common ones) so it never reuses a socket we closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const ownClosers = [
    { name: 'postgres', close: () => Promise.all([...new Set([pool, readinessPool])].map((p) => p.end())) },
    // quit() waits for a reply that an unreachable Redis never sends.
    { name: 'redis', close: async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()) },
    { name: 'metrics', close: () => closeServer(metricsServer) },
  ];
  const shutdown = (options.shutdownWith ?? gracefulShutdown)({
    server,
    markNotReady: () => {
      lifecycle.shuttingDown = true;
    },
    logger,
    // Scrapes see the drain to its end; then what --import started: the last requests' errors
    // (Sentry), then their spans (tracing).
    closers: [...ownClosers, ...startedParts()],
    drainDelayMs: config.drainDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
    ...(options.exit ? { exit: options.exit } : {}),
    ...(options.drainWith ? { drainWith: options.drainWith } : {}),
  });
  // Before the port opens: a SIGTERM that arrives the moment the service listens is a graceful one.
  if (options.handleSignals) onSignals(shutdown);
  let url: string;
  let metricsUrl: string;
  try {
    metricsUrl = `${await listen(metricsServer, config.metricsPort, config.host)}/metrics`;
    url = await listen(server, config.port, config.host);
  } catch (error) {
    // A port already taken: close what was opened, so a caller that handles the error leaks nothing.
    await Promise.allSettled(ownClosers.map((closer) => closer.close()));
    throw error;
  }
  logger.info('listening', { url, metricsUrl, pid: process.pid, env: config.env });
  return { url, metricsUrl, server, logger, lifecycle, clients, shutdown };
}
// #endregion start-service

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

/** close() ends idle keep-alive sockets itself (Node 19+); a scrape in progress gets its answer. */
async function closeServer(server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

/** A client made a moment ago is still connecting: its 'ready' is still to come. */
function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    redis.once('ready', () => {
      // Stryker disable next-line CallExpression: a timer left behind only resolves a settled promise, and the listening server keeps the process alive longer anyway
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One line when Redis goes away and one when it is back, not one per reconnect attempt. */
function logRedisState(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn('redis unavailable', { error: error.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis available again');
    down = false;
  });
}
