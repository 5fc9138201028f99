import pg from 'pg';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import type { Publisher } from '../broker/publisher.js';
import { createLogger } from '../correlation/logger.js';
import { createServiceClient } from '../resilient-http/service-client.js';
import { startStubUserService } from '../test/stub-server.js';
import { createOrderApp } from './order-service.js';
import { createUserApp } from './user-service.js';

// A pool pointed at a port nothing listens on: the database is "down".
const downPool = new pg.Pool({
  connectionString: 'postgres://postgres@127.0.0.1:1/none',
  connectionTimeoutMillis: 500,
});
downPool.on('error', () => {});
const quiet = createLogger('test', () => {});
afterAll(() => downPool.end());

describe('health checks', () => {
  it('liveness stays 200 while readiness reports the failing dependency with 503', async () => {
    const app = createUserApp({ pool: downPool, log: quiet });
    expect((await request(app).get('/health/live')).status).toBe(200);
    const ready = await request(app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not ready');
    expect(ready.body.checks.postgres).toMatch(/^failing: /);
  });

  it('a hung dependency cannot hang the readiness probe', async () => {
    const hung = async () => new Promise<void>(() => {});
    const app = createOrderApp({
      pool: downPool,
      users: createServiceClient({ baseUrl: 'http://127.0.0.1:1' }),
      publisher: {} as Publisher,
      exchange: 'unused',
      log: quiet,
      readiness: { broker: hung },
    });
    const ready = await request(app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.broker).toBe('failing: no answer within 1000 ms');
  });
});

describe('order-service when user-service fails', () => {
  it('answers 503 and fails fast once the breaker is open, never 500', async () => {
    const stub = await startStubUserService();
    stub.setMode('down');
    const users = createServiceClient({
      baseUrl: stub.url,
      retries: 0,
      breaker: { volumeThreshold: 3, resetTimeoutMs: 60_000 },
    });
    const app = createOrderApp({ pool: downPool, users, publisher: {} as Publisher, exchange: 'unused', log: quiet });
    const order = { userId: 1, items: [{ sku: 'a', quantity: 1, priceCents: 100 }] };
    for (let i = 0; i < 10; i += 1) {
      const res = await request(app).post('/orders').send(order);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('user-service is unavailable, try again later');
    }
    expect(stub.hits()).toBe(3); // the other 7 were refused by the open breaker without a network call
    users.close();
    await stub.close();
  });
});
