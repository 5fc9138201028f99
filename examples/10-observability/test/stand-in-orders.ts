import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createGateway, type GatewayDeps } from '../shop/gateway.js';
import { watchInProcess } from './in-process.js';

export type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface StandInOrders {
  /** How the stand-in answers the next requests; a 201 with id 7 until a test says otherwise. */
  answerWith(answer: Answer): void;
  /** What reached the stand-in in this test: `POST /orders`, its headers and body. */
  forwarded: { request: string; headers: IncomingMessage['headers']; body: string }[];
  /** A gateway in front of the stand-in, on the shared Redis under this file's prefix. */
  gateway(overrides?: Partial<GatewayDeps>): Express;
  redis(): Redis;
  prefix: string;
  logged(message: string): Record<string, unknown>[];
}

export const created: Answer = (_req, res) =>
  res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"7"}');

/**
 * The gateway alone, in front of a stand-in order service whose every answer the test decides:
 * held in flight, slow, gone, or with headers the client must not see.
 */
export function useStandInOrders(label: string): StandInOrders {
  const prefix = redisPrefix(label);
  const watch = watchInProcess();
  let redis: Redis;
  let ordersUrl = '';
  let answer: Answer = created;
  const forwarded: StandInOrders['forwarded'] = [];
  const upstream = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    forwarded.push({ request: `${req.method} ${req.url}`, headers: req.headers, body });
    answer(req, res, body);
  });
  beforeAll(async () => {
    redis = new Redis(testServices().redisUrl);
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    ordersUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    forwarded.length = 0;
    answer = created;
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    upstream.close();
    await deleteRedisPrefix(redis, prefix);
    await redis?.quit();
  });
  return {
    answerWith: (next) => {
      answer = next;
    },
    forwarded,
    gateway: (overrides = {}) =>
      createGateway({
        ordersUrl,
        redis,
        keyPrefix: prefix,
        registry: new Registry(),
        logger: createLogger({ service: 'gateway-test' }),
        ...overrides,
      }),
    redis: () => redis,
    prefix,
    logged: (message) => watch.logged().filter((line) => line.message === message),
  };
}
