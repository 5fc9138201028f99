import type { Server } from 'node:http';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { errorMessage, type Logger } from '../../correlation/logger.js';
import type { ReadinessCheck } from '../../http/health.js';
import { serve } from '../../http/serve.js';
import { RedisRegistry, readinessOf } from '../../service-discovery/registry.js';
import { startTelemetry } from '../../telemetry/telemetry.js';
import type { ServiceName } from './deployables.js';

/** The part of every service's config this file needs (see `shared` in deployables.ts). */
export interface RuntimeConfig {
  PORT: number;
  HOST: string;
  ADVERTISED_URL: string;
  REDIS_URL: string;
  REGISTRY_PREFIX: string;
  REGISTRY_TTL_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
  METRICS_PORT: number;
}

/** Handed to the function that builds a service's app: what it shares with the lifecycle. */
export interface ServiceKit {
  redis: Redis;
  registry: RedisRegistry;
  /** Fails once shutdown began: put it in the app's readiness checks. */
  stopping: ReadinessCheck;
  /** Closed after the HTTP server drained, last registered first. */
  onStop(close: () => Promise<unknown> | unknown): void;
}

export interface RunningService {
  name: ServiceName;
  url: string;
  stop(): Promise<void>;
}

// #region start-service
/**
 * Starts one service: its app, its HTTP server, its registration (renewed only while its own
 * readiness passes). `stop` undoes it in the order that loses no request: leave the registry and
 * fail readiness, stop accepting, let in-flight requests finish, then close what the app opened.
 */
export async function startService(
  name: ServiceName,
  config: RuntimeConfig,
  log: Logger,
  build: (kit: ServiceKit) => Promise<Express>,
): Promise<RunningService> {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', (error) => log.warn('redis error', { error: error.message }));
  closers.push(() => redis.quit());
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse())
      await Promise.resolve(close()).catch((error) => log.warn('close failed', { error: errorMessage(error) }));
  };
  let shuttingDown = false;
  try {
    const registry = new RedisRegistry(redis, config.REGISTRY_PREFIX);
    const stopping: ReadinessCheck = async () => {
      if (shuttingDown) throw new Error('shutting down');
    };
    const app = await build({ redis, registry, stopping, onStop: (close) => void closers.push(close) });
    const { server, url: local } = await serve(app, config.PORT, config.HOST);
    const drain = drainer(server);
    const telemetry = await startTelemetry({ metricsPort: config.METRICS_PORT, metricsHost: config.HOST });
    closers.unshift(() => telemetry.stop()); // closed last: a scrape during shutdown still answers
    const url = config.ADVERTISED_URL || local;
    const ready = readinessOf(local, Math.min(1_000, config.REGISTRY_TTL_MS / 3));
    // Wait for the first ready answer, so a slow first probe cannot leave a healthy instance out
    // of the registry until the next heartbeat (a third of the TTL later).
    let readyNow = await untilReady(ready, config.SHUTDOWN_TIMEOUT_MS);
    const registration = await registry.register(
      { service: name, id: url, url },
      {
        ttlMs: config.REGISTRY_TTL_MS,
        healthCheck: async () => readyNow || ready(), // the first beat uses the answer just seen
      },
    );
    readyNow = false;
    log.info('listening', { url, local, metricsUrl: telemetry.metricsUrl });
    return {
      name,
      url,
      // #region stop-order
      async stop() {
        shuttingDown = true; // readiness fails: the heartbeat stops renewing, probes say 503
        await registration.deregister().catch((error) => log.warn('deregister failed', { error: errorMessage(error) }));
        await drain(); // no new connections; the requests in flight get their answers
        await closeAll(); // pools, broker, consumers, Redis: last opened, first closed
      },
      // #endregion stop-order
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
// #endregion start-service

/** Polls the readiness probe; false if it never passed within `ms` (the heartbeat keeps trying). */
async function untilReady(ready: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Stops accepting; resolves once every request in flight has answered and every socket is closed. */
function drainer(server: Server): () => Promise<void> {
  let inFlight = 0;
  let draining = false;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      // Keep-alive sockets go idle after their last answer; close them rather than wait for their timeout.
      if (draining && inFlight === 0) server.closeIdleConnections();
    });
  });
  return () =>
    new Promise<void>((done) => {
      draining = true;
      server.close(() => done());
      server.closeIdleConnections();
    });
}
