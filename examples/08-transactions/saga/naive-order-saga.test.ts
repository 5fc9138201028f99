import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopTables, type OrderServices, orderServices } from '../shop/services.js';
import { ORDER, resetShop, STEP_SERVICE, STOCK, shopState, withOutage } from '../shop/test/shop.js';
import { naivePlaceOrder } from './naive-order-saga.js';
import { createSagaTables } from './saga-log.js';

// The Q&A saga in-process, where it works: what it lacks shows only when its process dies (saga-crash.test.ts).
const database = useTestDatabase('naive_saga');
let pool: pg.Pool;
let services: OrderServices;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool); // resetShop truncates the saga log too
  services = orderServices(pool);
});
beforeEach(() => resetShop(pool));

describe('the Q&A saga, uninterrupted', () => {
  it('runs the four steps in order and reports each', async () => {
    const id = randomUUID();
    const done: string[] = [];
    await naivePlaceOrder(services, id, ORDER, (step) => done.push(step));
    expect(done).toEqual(['create-order', 'reserve-stock', 'charge-payment', 'send-confirmation']);
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', payment: 'charged', notified: true });
  });

  const steps = Object.keys(STEP_SERVICE) as (keyof typeof STEP_SERVICE)[];
  it.each(steps)('a failure at %s undoes the steps before it and rethrows', async (step) => {
    const id = randomUUID();
    const failing = naivePlaceOrder(withOutage(services, STEP_SERVICE[step]), id, ORDER);
    await expect(failing).rejects.toThrow(`${STEP_SERVICE[step]} is down`);
    const state = await shopState(pool, id);
    expect(state.stock).toEqual(STOCK);
    expect(state.reserved).toBe(0);
    expect(state.payment).not.toBe('charged');
    expect(state.order).not.toBe('placed');
  });
});
