import type { Broker } from './broker.js';
import { type MessageContext, PoisonMessageError, startConsumer } from './consumer.js';
import type { Logger } from './logger.js';
import type { Publisher } from './publisher.js';

export interface OrderCreatedEvent {
  orderId: string;
  totalCents: number;
}

// #region fanout
/**
 * The same event, delivered to every interested service: the publisher names a topic exchange and
 * a routing key and knows nothing of who listens. Each service binds its own durable queue, so a
 * slow or failing inventory service neither delays payments nor loses its own backlog, and
 * several instances of one service share their queue's work (competing consumers).
 */
export function subscribeToOrders(
  broker: Broker,
  options: {
    exchange: string;
    queue: string;
    deadLetterQueue: string;
    /** `order.created`, or `order.*` for every order event. */
    pattern: string;
    handle: (event: OrderCreatedEvent, context: MessageContext) => Promise<void>;
    log?: Logger;
  },
) {
  const { exchange, pattern, ...rest } = options;
  return startConsumer(broker, { ...rest, bindings: [{ exchange, pattern }], parse: parseOrderEvent, maxAttempts: 3 });
}

export function publishOrderCreated(publisher: Publisher, exchange: string, event: OrderCreatedEvent) {
  return publisher.publish(exchange, 'order.created', event, { messageId: `order.created:${event.orderId}` });
}
// #endregion fanout

function parseOrderEvent(body: unknown): OrderCreatedEvent {
  const event = body as Partial<OrderCreatedEvent> | null;
  if (typeof event?.orderId !== 'string') throw new PoisonMessageError('field "orderId" must be a string');
  if (!Number.isSafeInteger(event.totalCents)) throw new PoisonMessageError('field "totalCents" must be an integer');
  return { orderId: event.orderId, totalCents: event.totalCents as number };
}
