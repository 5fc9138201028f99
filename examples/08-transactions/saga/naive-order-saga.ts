import type { NewOrder } from '../shop/orders.js';
import type { OrderServices } from '../shop/services.js';

// #region naive-order-saga
/**
 * The Q&A's OrderSaga: compensations live in an in-memory array. A crash between steps loses the
 * array, so nothing ever undoes the steps that ran; and the first compensation that throws stops
 * the loop, skips the rest and replaces the original error.
 */
export async function naivePlaceOrder(
  services: OrderServices,
  orderId: string,
  order: NewOrder,
  onStepDone: (step: string) => void = () => {},
): Promise<void> {
  const undo: (() => Promise<void>)[] = [];
  try {
    await services.createOrder(orderId, order);
    undo.push(() => services.cancelOrder(orderId));
    onStepDone('create-order');
    await services.reserveStock(orderId, order.lines);
    undo.push(() => services.releaseStock(orderId));
    onStepDone('reserve-stock');
    await services.chargePayment(orderId, order.customerId, order.totalCents);
    undo.push(() => services.refundPayment(orderId));
    onStepDone('charge-payment');
    await services.sendConfirmation(orderId, order.customerId);
    onStepDone('send-confirmation');
  } catch (error) {
    for (const compensate of undo.reverse()) await compensate();
    throw error;
  }
}
// #endregion naive-order-saga
