import { describe, expect, it } from 'vitest';
import { PoisonMessageError } from '../broker/consumer.js';
import { orderCreatedMessageId, parseOrderCreated } from '../events/order-created.js';
import { orderCreated } from './amqp.js';

describe('order.created, the one event type', () => {
  it('parses a valid event into exactly its four fields', () => {
    const event = orderCreated();
    expect(parseOrderCreated({ ...event, extra: 'dropped' })).toEqual(event);
  });

  it.each([
    ['orderId', { orderId: 'o-1' }, 'a UUID'],
    ['userId', { userId: '1' }, 'an integer'],
    ['email', { email: 'nobody' }, 'an email address'],
    ['totalCents', { totalCents: 12.5 }, 'an integer'],
  ])('a bad %s is poison, named in the error', (field, override, expected) => {
    const parse = () => parseOrderCreated({ ...orderCreated(), ...override });
    expect(parse).toThrow(PoisonMessageError);
    expect(parse).toThrow(`field "${field}" must be ${expected}`);
  });

  it('a body that is not an object is poison too', () => {
    for (const body of [null, 'order', 42, []]) expect(() => parseOrderCreated(body)).toThrow(PoisonMessageError);
  });

  it('one messageId per order, whoever publishes it', () => {
    const { orderId } = orderCreated();
    expect(orderCreatedMessageId(orderId)).toBe(`order.created:${orderId}`);
    expect(orderCreatedMessageId(orderId)).toBe(orderCreatedMessageId(orderId));
  });
});
