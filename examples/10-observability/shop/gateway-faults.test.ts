import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOwnRedis } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useStandInOrders } from '../test/stand-in-orders.js';

const { answerWith, forwarded, gateway, redis, prefix, logged } = useStandInOrders('gateway_faults');
const order = { item: 'sencha', quantity: 1, email: 'ada@example.com' };

describe('the gateway when what it depends on fails', () => {
  it('an order service that is down is a 502 with Retry-After, not a 500, and frees the key', async () => {
    const gone = createServer().listen(0, '127.0.0.1');
    await once(gone, 'listening');
    const ordersUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    gone.close(); // nothing listens there now
    const answered = await request(gateway({ ordersUrl })).post('/orders').set('idempotency-key', 'down').send(order);
    expect([answered.status, answered.headers['retry-after']]).toEqual([502, '5']);
    expect(answered.body.error).toContain('same Idempotency-Key');
    expect(await redis().exists(`${prefix}idempotency:down`)).toBe(0);
    expect(logged('order service unavailable')).toMatchObject([
      { level: 'warn', error: expect.stringContaining('ECONNREFUSED') },
    ]);
  });

  it('an order service that dies mid-answer is a 502 too', async () => {
    answerWith((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '100' }).write('{"id":');
      setImmediate(() => res.destroy());
    });
    await request(gateway()).post('/orders').send(order).expect(502);
  });

  it('an order service that does not answer in time is a 504 with Retry-After', async () => {
    answerWith(() => {}); // never answers
    const slow = gateway({ forwardTimeoutMs: 200 });
    const answered = await request(slow).post('/orders').set('idempotency-key', 'slow').send(order);
    expect([answered.status, answered.headers['retry-after']]).toEqual([504, '5']);
    expect(answered.body.error).toContain('same Idempotency-Key');
    expect(await redis().exists(`${prefix}idempotency:slow`)).toBe(0);
    expect(logged('order service unavailable').at(-1)).toMatchObject({ error: expect.stringMatching(/200 ms/) });
  });

  it('with Redis away, forwards the order unclaimed (the unique index still keeps it one order), not a 500', async () => {
    const own = await startOwnRedis();
    const away = new Redis(own.url, { maxRetriesPerRequest: 1 }).on('error', () => {});
    await away.ping();
    await own.stop();
    await request(gateway({ redis: away }))
      .post('/orders')
      .set('idempotency-key', 'away')
      .send(order)
      .expect(201);
    expect(forwarded).toMatchObject([{ headers: { 'idempotency-key': 'away' } }]);
    expect(logged('idempotency key not claimed: redis unavailable')).toMatchObject([{ level: 'warn' }]);
    away.disconnect();
  });
});
