import { createServer } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../correlation/logger.js';
import { serve } from '../../http/serve.js';
import { createGateway } from '../gateway.js';

export const MiB = 1024 * 1024;
export const AUTH = { authorization: 'Bearer k' };

/**
 * A real gateway in front of one real upstream, started in this file's hooks. `/api/up/*` reaches the
 * upstream; `/api/down` a port nobody listens on; `/api/none` a service with no instance. `upstream`
 * says what the upstream saw and holds, so a test can tell whether the gateway streamed or buffered.
 */
export function useGatewayToUpstream(label: string) {
  const prefix = redisPrefix(label);
  const seen = {
    url: '',
    requests: 0,
    firstChunk: false,
    release: () => {},
  };
  const upstream = createServer((req, res) => {
    seen.requests += 1;
    const path = req.url ?? '';
    if (path === '/up/big') {
      // 1 MiB now, the other 31 only once the test saw the first bytes arrive at the client.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(MiB, 1));
      seen.release = () => {
        for (let i = 0; i < 31; i += 1) res.write(Buffer.alloc(MiB, 1));
        res.end();
      };
    } else if (path === '/up/upload') {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        seen.firstChunk = true;
      });
      req.on('end', () => void res.writeHead(200, { 'content-type': 'text/plain' }).end(String(bytes)));
    } else if (path === '/up/report.csv') {
      res.writeHead(418, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="report.csv"',
        'keep-alive': 'timeout=99',
        'x-internal-secret': 'db-password',
        'set-cookie': 'session=upstream',
      });
      res.end('sku,quantity\nbook,2\n');
    } else if (path === '/up/headers') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
    }
    // /up/slow: never answers
  });
  let redis: Redis;
  let gatewayUrl = '';
  let stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = new Redis(testServices().redisUrl);
    seen.url = await listen(upstream, 0);
    const gateway = createGateway({
      routes: {
        '/api/up': { service: 'up-service', base: async () => seen.url, path: '/up/' },
        '/api/down': { service: 'down-service', base: async () => 'http://127.0.0.1:1', path: '/' },
        '/api/none': { service: 'none-service', base: () => Promise.reject(new Error('none registered')), path: '/' },
      },
      apiKeys: new Map([['k', 'client-k']]),
      redis,
      redisPrefix: prefix,
      rateLimit: { limit: 10_000, windowMs: 60_000 },
      timeoutMs: 500,
      log: createLogger('gateway', () => {}),
    });
    const served = await serve(gateway.app, 0);
    gatewayUrl = served.url;
    stops = [served.close, gateway.close];
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    upstream.closeAllConnections();
    await closeServer(upstream);
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  });

  return {
    upstream: seen,
    get url() {
      return gatewayUrl;
    },
  };
}
