import { randomUUID } from 'node:crypto';
import express from 'express';
import type pg from 'pg';
import type { Publisher } from '../broker/publisher.js';
import type { Logger } from '../correlation/logger.js';
import { type OrderCreated, publishOrderCreated } from '../events/order-created.js';
import { DependencyUnavailableError, INT4_MAX, nonEmptyString, positiveInt, ValidationError } from '../http/errors.js';
import { healthRouter, postgresCheck, type ReadinessCheck } from '../http/health.js';
import { createServiceApp, finishServiceApp } from '../http/service-app.js';
import { type ServiceClient, UpstreamClientError } from '../resilient-http/service-client.js';
import { CLIENT_HEADER } from './gateway.js';
import { idempotencyKeyOf, idempotencyKeysDdl, idempotent, type StoredResponse } from './idempotency-keys.js';

export const ORDERS_DDL = `
  CREATE SCHEMA IF NOT EXISTS orders;
  CREATE TABLE IF NOT EXISTS orders.orders (
    id          uuid PRIMARY KEY,
    user_id     integer NOT NULL,
    items       jsonb NOT NULL,
    total_cents integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
  );
  ${idempotencyKeysDdl('orders')}`;

export interface OrderItem {
  sku: string;
  quantity: number;
  priceCents: number;
}

export interface OrderServiceDeps {
  pool: pg.Pool;
  users: ServiceClient;
  publisher: Publisher;
  /** The topic exchange `order.created` goes to. */
  exchange: string;
  log: Logger;
  readiness?: Record<string, ReadinessCheck>;
}

// #region parse-items
/** Each number bounded by its column (`integer`), the total too: past it, the INSERT would be a 500. */
function parseItems(value: unknown): OrderItem[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    throw new ValidationError('items', 'items must be a list of 1 to 100 entries');
  }
  const items = value.map((item: Record<string, unknown>, i) => ({
    sku: nonEmptyString(item?.sku, `items[${i}].sku`, 64),
    quantity: positiveInt(item?.quantity, `items[${i}].quantity`, 10_000),
    priceCents: positiveInt(item?.priceCents, `items[${i}].priceCents`),
  }));
  if (totalOf(items) > INT4_MAX)
    throw new ValidationError('items', `the order total must be at most ${INT4_MAX} cents`);
  return items;
}
// #endregion parse-items

const totalOf = (items: OrderItem[]) => items.reduce((sum, i) => sum + i.quantity * i.priceCents, 0);

/** Asks user-service for the customer; its failures become this service's 422 or 503. */
async function fetchCustomer(users: ServiceClient, userId: number): Promise<{ email: string }> {
  try {
    return (await users.get(`/users/${userId}`)) as { email: string };
  } catch (error) {
    if (error instanceof UpstreamClientError && error.status === 404) {
      throw new ValidationError('userId', `user ${userId} does not exist`);
    }
    throw new DependencyUnavailableError('user-service is unavailable, try again later');
  }
}

export function createOrderApp({ pool, users, publisher, exchange, log, readiness = {} }: OrderServiceDeps) {
  const app = createServiceApp();
  app.use(express.json({ limit: '64kb' }));
  app.use(healthRouter({ postgres: postgresCheck(pool), ...readiness }));

  // #region create-order
  app.post('/orders', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const userId = positiveInt(body.userId, 'userId');
    const items = parseItems(body.items);
    const key = idempotencyKeyOf(req);
    let created: OrderCreated | undefined;
    const createOrder = async (db: pg.Pool | pg.PoolClient): Promise<StoredResponse> => {
      const customer = await fetchCustomer(users, userId); // REST: the order needs the answer now
      const order = {
        id: randomUUID(),
        userId,
        items,
        totalCents: items.reduce((s, i) => s + i.quantity * i.priceCents, 0),
      };
      await db.query('INSERT INTO orders.orders (id, user_id, items, total_cents) VALUES ($1, $2, $3, $4)', [
        order.id,
        userId,
        JSON.stringify(items),
        order.totalCents,
      ]);
      created = { orderId: order.id, userId, email: customer.email, totalCents: order.totalCents };
      return { status: 201, body: order };
    };
    // With a key, a retried POST (after a timeout, a 504) gets the first answer instead of a second order.
    const scope = `${req.get(CLIENT_HEADER) ?? ''} POST /orders`;
    const response = key
      ? await idempotent(pool, { scope, key, request: body }, createOrder)
      : { ...(await createOrder(pool)), replayed: false };
    if (created) {
      log.info('order created', { orderId: created.orderId });
      // Messaging: whoever cares about a new order learns it later, without order-service waiting.
      await publishOrderCreated(publisher, exchange, created);
      log.info('order.created published', { orderId: created.orderId });
    }
    if (response.replayed) res.setHeader('idempotent-replayed', 'true');
    res.status(response.status).json(response.body);
  });
  // #endregion create-order

  return finishServiceApp(app, log);
}
