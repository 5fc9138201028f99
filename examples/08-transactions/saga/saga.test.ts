import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CARD_LIMIT_CENTS } from '../shop/payments.js';
import { createShopTables, type OrderServices, orderServices } from '../shop/services.js';
import { ORDER, resetShop, STEP_SERVICE, STOCK, shopState, withOutage } from '../shop/test/shop.js';
import { naivePlaceOrder } from './naive-order-saga.js';
import { orderSaga } from './order-saga.js';
import { resumeSagas, retryParkedSaga } from './resume.js';
import { startSaga } from './saga.js';
import { createSagaTables, loadSaga, recordStep, setSagaState } from './saga-log.js';

const database = useTestDatabase('saga');
let pool: pg.Pool;
let services: OrderServices;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool);
  services = orderServices(pool);
});

beforeEach(() => resetShop(pool));

const fast = { retryDelayMs: 1 };

async function eventsOf(id: string) {
  return (await loadSaga(pool, id))?.events.map((e) => `${e.event}:${e.step}`) ?? [];
}

describe('saga: forward and backward', () => {
  it('runs every step once and completes', async () => {
    const id = randomUUID();
    const outcome = await startSaga(pool, orderSaga(services), id, ORDER, fast);
    expect(outcome.state).toBe('completed');
    expect(await shopState(pool, id)).toEqual({
      order: 'placed',
      reserved: 7,
      stock: { book: STOCK.book - 2, pen: STOCK.pen - 5 },
      payment: 'charged',
      notified: true,
    });
  });

  const steps = Object.keys(STEP_SERVICE) as (keyof typeof STEP_SERVICE)[];
  it.each(steps.map((step, index) => ({ step, ran: steps.slice(0, index) })))(
    'a failure at $step compensates exactly the steps before it, last first',
    async ({ step, ran }) => {
      const id = randomUUID();
      const outcome = await startSaga(pool, orderSaga(withOutage(services, STEP_SERVICE[step])), id, ORDER, fast);
      expect(outcome).toMatchObject({ state: 'compensated', failure: `${step}: Error: ${STEP_SERVICE[step]} is down` });
      const compensated = (await eventsOf(id)).filter((e) => e.startsWith('compensated:'));
      // send-confirmation has no compensation: it is the last step, nothing after it can fail.
      const expected = ran.filter((s) => s !== 'send-confirmation').reverse();
      expect(compensated).toEqual(expected.map((s) => `compensated:${s}`));
      const state = await shopState(pool, id);
      expect(state.stock).toEqual(STOCK);
      expect(state.reserved).toBe(0);
      expect(state.order).toBe(ran.includes('create-order') ? 'cancelled' : null);
      expect(state.payment).toBe(ran.includes('charge-payment') ? 'refunded' : null);
      expect(state.notified).toBe(false);
    },
  );

  it('a real business failure (card declined) unwinds the same way', async () => {
    const id = randomUUID();
    const outcome = await startSaga(pool, orderSaga(services), id, { ...ORDER, totalCents: CARD_LIMIT_CENTS + 1 });
    expect(outcome.state).toBe('compensated');
    expect(outcome.failure).toMatch(/PaymentDeclinedError/);
    expect(await shopState(pool, id)).toMatchObject({ order: 'cancelled', stock: STOCK, payment: null });
  });
});

describe('saga: compensations', () => {
  it('running every compensation twice changes nothing the first run did not', async () => {
    const id = randomUUID();
    await startSaga(pool, orderSaga(services), id, ORDER);
    for (let round = 0; round < 2; round++) {
      await services.refundPayment(id);
      await services.releaseStock(id);
      await services.cancelOrder(id);
      expect(await shopState(pool, id)).toEqual({
        order: 'cancelled',
        reserved: 0,
        stock: STOCK,
        payment: 'refunded',
        notified: true,
      });
    }
  });

  it('a compensation that fails twice is retried and succeeds on the third try', async () => {
    const id = randomUUID();
    const flaky = withOutage(withOutage(services, 'sendConfirmation'), 'refundPayment', 2);
    const outcome = await startSaga(pool, orderSaga(flaky), id, ORDER, { ...fast, compensationAttempts: 3 });
    expect(outcome.state).toBe('compensated');
    expect((await eventsOf(id)).filter((e) => e.endsWith(':charge-payment'))).toEqual([
      'done:charge-payment',
      'compensation_failed:charge-payment',
      'compensation_failed:charge-payment',
      'compensated:charge-payment',
    ]);
    expect((await shopState(pool, id)).payment).toBe('refunded');
  });

  it('a compensation that keeps failing parks the saga with the reason; after the fix it finishes', async () => {
    const id = randomUUID();
    const broken = withOutage(withOutage(services, 'sendConfirmation'), 'refundPayment');
    const parked = await startSaga(pool, orderSaga(broken), id, ORDER, { ...fast, compensationAttempts: 3 });
    expect(parked).toMatchObject({ state: 'parked', failure: expect.stringMatching(/charge-payment failed 3 times/) });
    // Nothing before the stuck step is undone: the card is still charged, so the order stays too.
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', payment: 'charged', reserved: 7 });

    const fixed = await retryParkedSaga(pool, orderSaga(services), id, fast);
    expect(fixed.state).toBe('compensated');
    expect(await shopState(pool, id)).toMatchObject({ order: 'cancelled', payment: 'refunded', stock: STOCK });
  });

  it('the Q&A saga: a failing refund skips the other compensations and hides the original error', async () => {
    const id = randomUUID();
    const broken = withOutage(withOutage(services, 'sendConfirmation'), 'refundPayment');
    await expect(naivePlaceOrder(broken, id, ORDER)).rejects.toThrow('refundPayment is down');
    // The send-confirmation failure is gone, the stock stays reserved, and no record says so.
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', payment: 'charged', reserved: 7 });
    expect(await loadSaga(pool, id)).toBeUndefined();
  });

  it('a saga that died half-way through compensating finishes compensating on resume', async () => {
    const id = randomUUID();
    const throughPayment = orderSaga(services).steps.slice(0, 3);
    await startSaga(pool, { kind: 'place-order', steps: throughPayment }, id, ORDER);
    // The state a process leaves if it dies right after undoing the payment: two steps still to undo.
    await services.refundPayment(id);
    await recordStep(pool, id, 'charge-payment', 'compensated');
    await setSagaState(pool, id, 'compensating', 'send-confirmation: Error: down');
    await pool.query(`UPDATE sagas SET updated_at = now() - interval '1 minute' WHERE id = $1`, [id]);

    expect(await resumeSagas(pool, orderSaga(services))).toMatchObject([{ id, state: 'compensated' }]);
    expect((await eventsOf(id)).filter((e) => e.startsWith('compensated:'))).toEqual([
      'compensated:charge-payment',
      'compensated:reserve-stock',
      'compensated:create-order',
    ]);
    expect(await shopState(pool, id)).toMatchObject({ order: 'cancelled', payment: 'refunded', stock: STOCK });
  });
});
