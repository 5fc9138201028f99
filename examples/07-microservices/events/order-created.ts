import { PoisonMessageError } from '../broker/consumer.js';
import type { Publisher } from '../broker/publisher.js';

/** The one event every service hears about an order: order-service publishes it, the others react. */
export interface OrderCreated {
  orderId: string;
  userId: number;
  email: string;
  totalCents: number;
}

/** The routing key on the orders topic exchange; subscribers bind it, or `order.*` for every order event. */
export const ORDER_CREATED = 'order.created';

// #region order-created
/**
 * One id per event, derived from the order: a republish or a redelivery of the same order's event
 * carries the same id, so every consumer's processed-message check absorbs it.
 */
export function orderCreatedMessageId(orderId: string): string {
  return `${ORDER_CREATED}:${orderId}`;
}

export function publishOrderCreated(publisher: Publisher, exchange: string, event: OrderCreated): Promise<void> {
  return publisher.publish(exchange, ORDER_CREATED, event, { messageId: orderCreatedMessageId(event.orderId) });
}
// #endregion order-created

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** Validates an `order.created` body; a bad one is poison, named by its field. */
export function parseOrderCreated(body: unknown): OrderCreated {
  const event = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new PoisonMessageError(`field "${field}" must be ${expected}`);
  };
  const { orderId, userId, email, totalCents } = event;
  // The typeof is not only for the compiler: a regex tests String(value), so ["<uuid>"] would match.
  if (typeof orderId !== 'string' || !UUID.test(orderId)) return fail('orderId', 'a UUID');
  if (!isInteger(userId)) return fail('userId', 'an integer');
  if (typeof email !== 'string' || !EMAIL.test(email)) return fail('email', 'an email address');
  if (!isInteger(totalCents)) return fail('totalCents', 'an integer');
  return { orderId, userId, email, totalCents };
}

/** The check and the type in one: Number.isSafeInteger is false for anything but a number. */
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
