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
    // What JSON can carry that a looser check lets through: a regex tests String(value), so an
    // array of one valid string matches it; and a number is not yet an integer.
    ['orderId (an array holding a UUID)', { orderId: [orderCreated().orderId] }, 'a UUID'],
    ['email (an array holding an address)', { email: ['ada@example.com'] }, 'an email address'],
    ['userId (a fraction)', { userId: 1.5 }, 'an integer'],
    ['totalCents (a numeric string)', { totalCents: '1200' }, 'an integer'],
    // The patterns are anchored at both ends: a valid value inside other text is not one.
    ['orderId (a UUID after a prefix)', { orderId: `order:${orderCreated().orderId}` }, 'a UUID'],
    ['email (an address after a space)', { email: 'Ada ada@example.com' }, 'an email address'],
    ['email (an address before a space)', { email: 'ada@example.com (Ada)' }, 'an email address'],
  ])('a bad %s is poison, named in the error', (field, override, expected) => {
    const parse = () => parseOrderCreated({ ...orderCreated(), ...override });
    expect(parse).toThrow(PoisonMessageError);
    expect(parse).toThrow(`field "${field.split(' ')[0]}" must be ${expected}`);
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
