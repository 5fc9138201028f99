import express, { type Request } from 'express';
import type { Redis } from 'ioredis';
import { CORRELATION_HEADER, correlationId } from '../correlation/correlation.js';
import type { Logger } from '../correlation/logger.js';
import { DependencyUnavailableError } from '../http/errors.js';
import { healthRouter } from '../http/health.js';
import { createServiceApp, finishServiceApp } from '../http/service-app.js';
import { rateLimit } from './rate-limit.js';

export interface GatewayOptions {
  /** Public path prefix → where that service is (a function, so a registry can answer per call). */
  routes: Record<string, () => Promise<string>>;
  /** API key → client name. */
  apiKeys: ReadonlyMap<string, string>;
  redis: Redis;
  redisPrefix: string;
  rateLimit?: { limit: number; windowMs: number };
  timeoutMs?: number;
  log: Logger;
}

/** Who the gateway authenticated, for the services behind it; a client cannot set it itself. */
export const CLIENT_HEADER = 'x-client-id';
/** Request headers passed on to a service; everything else a client sends stops here. */
const FORWARDED = ['idempotency-key'];
/** Response headers passed back to the client. */
const RETURNED = ['idempotent-replayed', 'retry-after'];

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
  ...options
}: GatewayOptions) {
  // #region gateway-door
  const app = createServiceApp(); // the correlation id is made here when the client sent none
  app.use(healthRouter({ redis: async () => void (await redis.ping()) }));
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
  app.use(express.json({ limit: '64kb' }));
  // #endregion gateway-door

  for (const [prefix, resolve] of Object.entries(routes)) {
    app.use(prefix, async (req, res) => {
      const base = await resolve().catch((error: Error) => {
        throw new DependencyUnavailableError(`${prefix} has no healthy instance: ${error.message}`);
      });
      const target = new URL(req.url.slice(1), base); // relative, so it stays under the service's path
      if (!target.pathname.startsWith(new URL(base).pathname))
        return void res.status(404).json({ error: 'no such route' });
      log.info('routing request', { method: req.method, path: req.originalUrl, to: target.origin });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        [CORRELATION_HEADER]: correlationId() ?? '',
        [CLIENT_HEADER]: String(res.locals.client),
      };
      for (const name of FORWARDED) {
        const value = req.get(name);
        if (value !== undefined) headers[name] = value;
      }
      const response = await fetch(target, {
        method: req.method,
        headers,
        body: ['GET', 'HEAD'].includes(req.method) ? undefined : JSON.stringify(req.body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((error: Error) => {
        log.warn('upstream failed', { to: target.origin, error: error.message });
        return Response.json(
          { error: 'upstream service unavailable' },
          { status: error.name === 'TimeoutError' ? 504 : 502 },
        );
      });
      for (const name of RETURNED) {
        const value = response.headers.get(name);
        if (value !== null) res.setHeader(name, value);
      }
      res
        .status(response.status)
        .type('application/json')
        .send(await response.text());
    });
  }
  return finishServiceApp(app, log);
}
// #endregion gateway
