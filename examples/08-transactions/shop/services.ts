import type pg from 'pg';
import { createInventoryTables, releaseStock, reserveStock } from './inventory.js';
import { createNotificationsTable, sendConfirmation } from './notifications.js';
import { cancelOrder, createOrder, createOrdersTable, type NewOrder, type OrderLine } from './orders.js';
import { chargePayment, createPaymentsTable, refundPayment } from './payments.js';

/** The four services an order touches, each a step and (but the last) its compensation. */
export interface OrderServices {
  createOrder(orderId: string, order: NewOrder): Promise<void>;
  cancelOrder(orderId: string): Promise<void>;
  reserveStock(orderId: string, lines: OrderLine[]): Promise<void>;
  releaseStock(orderId: string): Promise<void>;
  chargePayment(orderId: string, customerId: number, amountCents: number): Promise<void>;
  refundPayment(orderId: string): Promise<void>;
  sendConfirmation(orderId: string, customerId: number): Promise<void>;
}

/** The real services. In production each would own its database; here each owns its tables. */
export function orderServices(pool: pg.Pool): OrderServices {
  return {
    createOrder: (orderId, order) => createOrder(pool, orderId, order),
    cancelOrder: (orderId) => cancelOrder(pool, orderId),
    reserveStock: (orderId, lines) => reserveStock(pool, orderId, lines),
    releaseStock: (orderId) => releaseStock(pool, orderId),
    chargePayment: (orderId, customerId, amountCents) => chargePayment(pool, orderId, customerId, amountCents),
    refundPayment: (orderId) => refundPayment(pool, orderId),
    sendConfirmation: (orderId, customerId) => sendConfirmation(pool, orderId, customerId),
  };
}

export async function createShopTables(pool: pg.Pool): Promise<void> {
  await createOrdersTable(pool);
  await createInventoryTables(pool);
  await createPaymentsTable(pool);
  await createNotificationsTable(pool);
}
