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
  /** How long the order service has to answer; 5 s unless a test needs less. */
  forwardTimeoutMs?: number;
}

interface Forwarded {
  status: number;
  /** The answer's headers a client acts on: Retry-After, Idempotent-Replayed. */
  headers: Record<string, string>;
  body: string;
}

/** Longer than one forward can take (5 s): a gateway that dies mid-request frees the key soon after. */
const CLAIM_SECONDS = 10;

/** The order service did not answer in time; it may still store the order, so a retry needs the same key. */
class ForwardTimeout extends Error {}

/**
 * The public edge: forwards an order to the order service, which stores one order per
 * Idempotency-Key. The gateway claims the key in Redis while its request is in flight, so a
 * duplicate sent meanwhile (a double click, a client retrying too early) is answered 409 at the edge,
 * and frees it when the answer is back, whatever it was: after a 503 the client's retry goes through,
 * after a 201 it finds the same order.
 */
export function createGateway(deps: GatewayDeps): Express {
  const { ordersUrl, redis, keyPrefix, registry, logger, forwardTimeoutMs = 5_000 } = deps;
  const app = express();
  app.use(recordRequests(registry));
  app.use(reportFailedResponses());
  app.use(express.json({ limit: '10kb' }));
  app.post('/orders', async (req, res) => {
    const key = req.get('idempotency-key');
    const claimed = `${keyPrefix}idempotency:${key}`;
    // Stryker disable next-line StringLiteral: only 'taken' and 'claimed' are ever compared against
    const claim = key === undefined ? 'no key' : await claimKey(claimed);
    if (claim === 'taken') {
      res
        .status(409)
        .set('retry-after', '1')
        .json({ error: 'idempotency-key: an order with this key is in progress; retry once it is answered' });
      return;
    }
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(key !== undefined && { 'idempotency-key': key }), // an empty one too: the order service refuses it
      };
      const body = JSON.stringify(req.body ?? {});
      const answer = await forward(new URL('/orders', ordersUrl), headers, body, forwardTimeoutMs).catch(
        (error: Error) => error,
      );
      if (answer instanceof Error) {
        // The order service is down or slow: the gateway itself did not fail, so no 500. Retryable,
        // and with the same key a retry finds the order if the service stored it after all.
        logger.warn('order service unavailable', { error: answer.message });
        res
          .status(answer instanceof ForwardTimeout ? 504 : 502)
          .set('retry-after', '5')
          .json({ error: 'the order service did not answer: retry with the same Idempotency-Key' });
        return;
      }
      logger.info('order forwarded', { status: answer.status });
      res.status(answer.status).set(answer.headers).type('application/json').send(answer.body);
    } finally {
      // Left to its expiry if Redis is away: it frees itself within CLAIM_SECONDS.
      if (claim === 'claimed') await redis.del(claimed).catch(() => {});
    }
  });

  /**
   * The claim is an early 409, not the guarantee: the order service's unique index keeps one order
   * per key. So with Redis away the order goes through unclaimed, where it used to be a 500.
   */
  async function claimKey(claim: string): Promise<'claimed' | 'taken' | 'unclaimed'> {
    try {
      // Stryker disable next-line StringLiteral: the claim's value is never read, only its presence
      return (await redis.set(claim, '1', 'EX', CLAIM_SECONDS, 'NX')) === null ? 'taken' : 'claimed';
    } catch (error) {
      logger.warn('idempotency key not claimed: redis unavailable', { error: (error as Error).message });
      // Stryker disable next-line StringLiteral: only 'taken' and 'claimed' are ever compared against
      return 'unclaimed';
    }
  }
  app.use(handleErrors());
  return app;
}

/**
 * `http.request`, through the module object: the HTTP instrumentation patches that object and
 * injects `traceparent`. Node's global `fetch` is undici, which it does not see (that needs
 * @opentelemetry/instrumentation-undici).
 */
function forward(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
      let text = '';
      // Stryker disable next-line StringLiteral: Node reads an empty encoding as utf8
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 502, headers: passedOn(response.headers), body: text }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new ForwardTimeout(`no answer within ${timeoutMs} ms: ${url}`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** The upstream headers that mean something to the client; hop-by-hop and framing ones stay behind. */
function passedOn(headers: http.IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['retry-after', 'idempotent-replayed']) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}
