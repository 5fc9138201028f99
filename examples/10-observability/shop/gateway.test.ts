import { waitUntil } from '@cookbook/shared/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { created, useStandInOrders } from '../test/stand-in-orders.js';

const { answerWith, forwarded, gateway, redis, prefix, logged } = useStandInOrders('gateway');
const order = { item: 'sencha', quantity: 1, email: 'ada@example.com' };
/** Holds every request the stand-in gets until the test releases them all. */
function holdAnswers(): () => void {
  const held: (() => void)[] = [];
  answerWith((req, res, body) => held.push(() => created(req, res, body)));
  return () => {
    for (const answer of held) answer();
  };
}

describe('the gateway in front of the order service', () => {
  it('a duplicate sent while the first is in flight is a 409 with Retry-After; the answered key is free again', async () => {
    const release = holdAnswers();
    const app = gateway();
    const first = request(app).post('/orders').set('idempotency-key', 'in-flight').send(order).then();
    await waitUntil(() => forwarded.length === 1, 'the first request to reach the order service');
    for (const _ of [1, 2]) {
      const duplicate = await request(app).post('/orders').set('idempotency-key', 'in-flight').send(order);
      expect([duplicate.status, duplicate.headers['retry-after']]).toEqual([409, '1']);
      expect(duplicate.body.error).toMatch(/^idempotency-key: /);
      expect(await redis().exists(`${prefix}idempotency:in-flight`)).toBe(1); // still the first one's
    }
    release();
    expect((await first).status).toBe(201);
    expect(await redis().exists(`${prefix}idempotency:in-flight`)).toBe(0);
    answerWith(created);
    await request(app).post('/orders').set('idempotency-key', 'in-flight').send(order).expect(201);
    expect(forwarded.map((f) => f.headers['idempotency-key'])).toEqual(['in-flight', 'in-flight']); // not the 409s
  });

  it('orders without a key are never held back by each other', async () => {
    const release = holdAnswers();
    const app = gateway();
    const both = Promise.all([1, 2].map(() => request(app).post('/orders').send(order).then()));
    await waitUntil(() => forwarded.length === 2, 'both to reach the order service');
    release();
    expect((await both).map((answer) => answer.status)).toEqual([201, 201]);
  });

  it('forwards the order as JSON with its key, and passes back only the headers a client acts on', async () => {
    answerWith((_req, res) =>
      res
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '7', 'x-upstream-node': 'orders-1' })
        .end('{"error":"the message broker is reconnecting"}'),
    );
    const registry = new Registry();
    const answered = await request(gateway({ registry })).post('/orders').set('idempotency-key', 'k1').send(order);
    expect([answered.status, answered.headers['retry-after'], answered.headers['x-upstream-node']]).toEqual([
      503,
      '7',
      undefined,
    ]);
    expect(answered.headers['idempotent-replayed']).toBeUndefined();
    expect(answered.body).toEqual({ error: 'the message broker is reconnecting' });
    expect(forwarded).toMatchObject([
      { request: 'POST /orders', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' } },
    ]);
    expect(JSON.parse(forwarded[0]?.body ?? '')).toEqual(order);
    expect(logged('order forwarded')).toContainEqual(expect.objectContaining({ level: 'info', status: 503 }));
    expect(await registry.metrics()).toContain('route="/orders",status_code="503"');
  });

  it('without a key, forwards none and claims none; an empty one it passes on, for the order service to refuse', async () => {
    await request(gateway()).post('/orders').send(order).expect(201);
    expect(forwarded[0]?.headers['idempotency-key']).toBeUndefined();
    expect(await redis().keys(`${prefix}*`)).toEqual([]);
    await request(gateway()).post('/orders').set('idempotency-key', '').send(order).expect(201);
    expect(forwarded[1]?.headers['idempotency-key']).toBe('');
  });

  it('refuses a body over 10 kB (413) or one that is not JSON (400, as JSON), without forwarding it', async () => {
    await request(gateway())
      .post('/orders')
      .send({ ...order, item: 'x'.repeat(11_000) })
      .expect(413);
    const malformed = await request(gateway()).post('/orders').set('content-type', 'application/json').send('{"item":');
    expect([malformed.status, typeof malformed.body.error]).toEqual([400, 'string']);
    expect(forwarded).toEqual([]);
  });
});
