import type { NewOrder } from '../shop/orders.js';
import type { OrderServices } from '../shop/services.js';
import type { SagaDefinition } from './saga.js';

// #region order-saga
/**
 * The Q&A's order saga as data: each step names its compensation, and the saga id doubles as the
 * order id and every service's idempotency key, so a step rerun after a crash does nothing twice.
 */
export function orderSaga(services: OrderServices): SagaDefinition<NewOrder> {
  return {
    kind: 'place-order',
    steps: [
      {
        name: 'create-order',
        run: (id, order) => services.createOrder(id, order),
        compensate: (id) => services.cancelOrder(id),
      },
      {
        name: 'reserve-stock',
        run: (id, order) => services.reserveStock(id, order.lines),
        compensate: (id) => services.releaseStock(id),
      },
      {
        name: 'charge-payment',
        run: (id, order) => services.chargePayment(id, order.customerId, order.totalCents),
        compensate: (id) => services.refundPayment(id),
      },
      // The last step: once the customer is told, there is nothing left that could fail.
      { name: 'send-confirmation', run: (id, order) => services.sendConfirmation(id, order.customerId) },
    ],
  };
}
// #endregion order-saga
