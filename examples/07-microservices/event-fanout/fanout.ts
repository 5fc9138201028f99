import type { Broker } from '../broker/connection.js';
import { type MessageContext, startConsumer } from '../broker/consumer.js';
import type { Logger } from '../correlation/logger.js';
import { type OrderCreated, parseOrderCreated } from '../events/order-created.js';

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
    retryDelaysMs?: readonly number[];
    handle: (event: OrderCreated, context: MessageContext) => Promise<void>;
    log?: Logger;
  },
) {
  const { exchange, pattern, ...rest } = options;
  return startConsumer(broker, { ...rest, bindings: [{ exchange, pattern }], parse: parseOrderCreated });
}
// #endregion fanout
