import http from 'node:http';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from 'winston';
import { handleErrors, reportFailedResponses } from '../error-tracking/report-errors.js';
import { recordRequests } from '../metrics/red-metrics.js';

export interface GatewayDeps {
  ordersUrl: string;
  redis: Redis;
  /** Prefix of the idempotency keys in Redis. */
  keyPrefix: string;
  registry: Registry;
  logger: Logger;
}

interface Forwarded {
  status: number;
  body: string;
}

/** The public edge: takes an order once per Idempotency-Key and forwards it to the order service. */
export function createGateway({ ordersUrl, redis, keyPrefix, registry, logger }: GatewayDeps): Express {
  const app = express();
  app.use(recordRequests(registry));
  app.use(reportFailedResponses());
  app.use(express.json({ limit: '10kb' }));
  app.post('/orders', async (req, res) => {
    const key = req.get('idempotency-key');
    if (key !== undefined) {
      const first = await redis.set(`${keyPrefix}idempotency:${key}`, '1', 'EX', 86_400, 'NX');
      if (first === null) {
        res.status(409).json({ error: 'idempotency-key: this key was already used for an order' });
        return;
      }
    }
    const answer = await forward(new URL('/orders', ordersUrl), JSON.stringify(req.body ?? {}));
    logger.info('order forwarded', { status: answer.status });
    res.status(answer.status).type('application/json').send(answer.body);
  });
  app.use(handleErrors());
  return app;
}

/**
 * `http.request`, through the module object: the HTTP instrumentation patches that object and
 * injects `traceparent`. Node's global `fetch` is undici, which it does not see (that needs
 * @opentelemetry/instrumentation-undici).
 */
function forward(url: URL, body: string): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5_000 },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, body: text }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`order service did not answer within 5 s: ${url}`)));
    request.on('error', reject);
    request.end(body);
  });
}
