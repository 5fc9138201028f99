import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { CORRELATION_HEADER, correlationId } from '../correlation/correlation.js';
import type { Logger } from '../correlation/logger.js';
import { DependencyUnavailableError } from '../http/errors.js';
import { healthRouter, type ReadinessCheck } from '../http/health.js';
import { createServiceApp, finishServiceApp } from '../http/service-app.js';
import { createProxyAgent, proxy } from './proxy.js';
import { rateLimit } from './rate-limit.js';

export interface GatewayRoute {
  /** Its name in errors and logs. */
  service: string;
  /** Where an instance is (a function, so the registry can answer per call). */
  base: () => Promise<string>;
  /** The service's own path the public prefix maps to, e.g. `/users/`. */
  path: string;
}

export interface GatewayOptions {
  /** Public path prefix → the service behind it. */
  routes: Record<string, GatewayRoute>;
  /** API key → client name. */
  apiKeys: ReadonlyMap<string, string>;
  redis: Redis;
  redisPrefix: string;
  rateLimit?: { limit: number; windowMs: number };
  timeoutMs?: number;
  log: Logger;
  readiness?: Record<string, ReadinessCheck>;
}

/** Who the gateway authenticated, for the services behind it; a client cannot set it itself. */
export const CLIENT_HEADER = 'x-client-id';

const apiKeyOf = (req: Request) => req.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';

// #region gateway
/** The one door for external clients: correlation id, auth and rate limits here, then routing. */
export function createGateway({
  routes,
  apiKeys,
  redis,
  redisPrefix,
  timeoutMs = 3000,
  log,
  readiness = {},
  ...options
}: GatewayOptions) {
  const agent = createProxyAgent(timeoutMs);
  // #region gateway-door
  const app = createServiceApp(); // the correlation id is made here when the client sent none
  app.use(healthRouter({ redis: async () => void (await redis.ping()), ...readiness }));
  app.use((req, res, next) => {
    const client = apiKeys.get(apiKeyOf(req));
    if (!client) return void res.status(401).json({ error: 'missing or unknown API key', field: 'authorization' });
    res.locals.client = client;
    next();
  });
  const { limit = 100, windowMs = 60_000 } = options.rateLimit ?? {};
  app.use(
    rateLimit({ redis, prefix: redisPrefix, limit, windowMs, clientOf: (_req, res) => String(res.locals.client) }),
  );
  // #endregion gateway-door

  // No body parser: bodies stream through untouched, and each service enforces its own limits.
  for (const [prefix, { service, base, path }] of Object.entries(routes)) {
    app.use(prefix, async (req, res) => {
      const origin = await base().catch((error: Error) => {
        throw new DependencyUnavailableError(`${service} has no healthy instance: ${error.message}`);
      });
      const root = new URL(path, origin);
      const url = new URL(req.url.slice(1), root); // relative, so it stays under the service's path
      if (!url.pathname.startsWith(root.pathname)) return void res.status(404).json({ error: 'no such route' });
      log.info('routing request', { method: req.method, path: req.originalUrl, to: url.origin });
      const headers = { [CORRELATION_HEADER]: correlationId() ?? '', [CLIENT_HEADER]: String(res.locals.client) };
      await proxy(req, res, { service, url, headers }, agent, log);
    });
  }
  return { app: finishServiceApp(app, log), close: () => agent.close() };
}
// #endregion gateway
