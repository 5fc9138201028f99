import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useOrderService } from '../test/order-service.js';

const { app, stored } = useOrderService('order_service');
const order = { item: 'sencha', quantity: 2, email: 'ada@example.com' };

describe('the order service validates an order before it stores one', () => {
  it.each([
    [{ item: '' }, 'item'],
    [{ item: 'x'.repeat(101) }, 'item'],
    [{ item: 7 }, 'item'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: 101 }, 'quantity'],
    [{ quantity: 1.5 }, 'quantity'],
    [{ quantity: '2' }, 'quantity'],
    [{ email: 'ada.example.com' }, 'email'],
    [{ email: 'ada lovelace@example.com' }, 'email'],
    [{ email: 'ada@example.com\nbcc@evil.test' }, 'email'],
    [{ email: ['ada@example.com'] }, 'email'],
  ])('%j is a 400 naming %s, and stores nothing', async (changed, field) => {
    const before = await stored();
    const answer = await request(app())
      .post('/orders')
      .send({ ...order, ...changed })
      .expect(400);
    expect(answer.body.error).toMatch(new RegExp(`^${field}: `));
    expect(await stored()).toBe(before);
  });

  it('a body with no order in it is a 400 naming the first field', async () => {
    const answer = await request(app()).post('/orders').set('content-type', 'application/json').send('[]').expect(400);
    expect(answer.body).toEqual({ error: 'item: a name of 1 to 100 characters' });
  });

  it('takes the edges of each range: a 100-character item, quantities 1 and 100, a key of 200', async () => {
    for (const changed of [{ item: 'x'.repeat(100) }, { quantity: 1 }, { quantity: 100 }]) {
      await request(app())
        .post('/orders')
        .send({ ...order, ...changed })
        .expect(201);
    }
    await request(app()).post('/orders').set('idempotency-key', 'k'.repeat(200)).send(order).expect(201);
  });

  it('an empty Idempotency-Key is a 400, not one key that every client sending it would share', async () => {
    const before = await stored();
    const answer = await request(app()).post('/orders').set('idempotency-key', '').send(order).expect(400);
    expect(answer.body).toEqual({ error: 'idempotency-key: must not be empty' });
    expect(await stored()).toBe(before);
  });

  it('refuses a body over 10 kB (413), or one that is not JSON (400, as JSON)', async () => {
    await request(app())
      .post('/orders')
      .send({ ...order, item: 'x'.repeat(11_000) })
      .expect(413);
    const malformed = await request(app()).post('/orders').set('content-type', 'application/json').send('{"item":');
    expect([malformed.status, typeof malformed.body.error]).toEqual([400, 'string']);
  });
});

describe('GET /orders/:id', () => {
  it('answers a stored order with its fields', async () => {
    const { body } = await request(app()).post('/orders').send(order).expect(201);
    const found = await request(app()).get(`/orders/${body.id}`).expect(200);
    expect(found.body).toEqual({ id: body.id, item: 'sencha', quantity: 2, placed_at: expect.any(String) });
  });

  it('is a 404 naming the id for an order never placed', async () => {
    const answer = await request(app()).get('/orders/999999999').expect(404);
    expect(answer.body).toEqual({ error: 'no order 999999999' });
  });

  it.each(['abc', '12a', 'a12', '1'.repeat(19), '-1'])('is a 400 for the id %s, before any query', async (id) => {
    const answer = await request(app()).get(`/orders/${id}`).expect(400);
    expect(answer.body).toEqual({ error: 'id: must be a positive integer' });
  });
});
