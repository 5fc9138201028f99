import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useOrderService } from '../test/order-service.js';

const { app, serviceOn, broker, channel, queues, stored, logged } = useOrderService('order_events');
const order = { item: 'sencha', quantity: 2, email: 'ada@example.com' };

describe('the order.placed event', () => {
  it('is persistent JSON routed as order.placed, logged as placed, then as replayed on a retry', async () => {
    const announced = (await channel().assertQueue('', { exclusive: true })).queue;
    await channel().bindQueue(announced, queues().exchange, 'order.placed');
    const first = await request(app()).post('/orders').set('idempotency-key', 'event-1').send(order).expect(201);
    await request(app()).post('/orders').set('idempotency-key', 'event-1').send(order).expect(201);
    const message = await channel().get(announced, { noAck: true });
    expect(
      message && [message.fields.routingKey, message.properties.deliveryMode, message.properties.contentType],
    ).toEqual(['order.placed', 2, 'application/json']);
    expect(JSON.parse(message ? message.content.toString() : '')).toEqual({ orderId: first.body.id, ...order });
    const orderId = first.body.id;
    expect([...logged('order placed'), ...logged('order replayed')].filter((l) => l.orderId === orderId)).toMatchObject(
      [{ message: 'order placed' }, { message: 'order replayed' }],
    );
  });

  it('none is published while the broker is away: a 503 before the order is stored', async () => {
    const before = await stored();
    const answer = await request(serviceOn(() => undefined))
      .post('/orders')
      .send(order)
      .expect(503);
    expect([answer.headers['retry-after'], answer.body]).toEqual(['5', { error: expect.stringContaining('retry') }]);
    expect(await stored()).toBe(before);
  });

  it('one the broker refuses (no exchange) is a 503 naming the stored order, logged as not confirmed', async () => {
    const refusing = await broker().createConfirmChannel();
    refusing.on('error', () => {}); // the broker closes it: 404 NOT_FOUND
    const before = await stored();
    const answer = await request(serviceOn(() => refusing, { ...queues(), exchange: `${queues().exchange}.gone` }))
      .post('/orders')
      .send(order)
      .expect(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toEqual({ error: expect.stringContaining('same Idempotency-Key'), id: expect.any(String) });
    expect(await stored()).toBe(before + 1);
    expect(logged('order stored, its event not confirmed')).toMatchObject([
      { level: 'warn', orderId: answer.body.id, error: expect.stringMatching(/^\S/) },
    ]);
  });
});
