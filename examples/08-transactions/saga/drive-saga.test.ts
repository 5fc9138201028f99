import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopTables, orderServices } from '../shop/services.js';
import { ORDER, resetShop, STOCK, shopState, withOutage } from '../shop/test/shop.js';
import { orderSaga } from './order-saga.js';
import { driveSaga, startSaga } from './saga.js';
import { createSagaTables, loadSaga, recordStep, setSagaState } from './saga-log.js';

const database = useTestDatabase('drive_saga');
let pool: pg.Pool;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool);
});
beforeEach(() => resetShop(pool));

const fast = { retryDelayMs: 1 };
const eventsOf = async (id: string) => (await loadSaga(pool, id))?.events.map((e) => `${e.event}:${e.step}`) ?? [];

describe('driveSaga: picking a saga up by its log', () => {
  it('refuses an id the log has never seen', async () => {
    const id = randomUUID();
    await expect(driveSaga(pool, orderSaga(orderServices(pool)), id)).rejects.toThrow(`no saga ${id}`);
  });

  it('a finished saga is reported as it is: nothing runs, nothing is compensated', async () => {
    const id = randomUUID();
    const definition = orderSaga(orderServices(pool));
    expect((await startSaga(pool, definition, id, ORDER, { retryDelayMs: 1 })).state).toBe('completed');
    const events = (await loadSaga(pool, id))?.events.length;
    expect(await driveSaga(pool, definition, id)).toEqual({ id, state: 'completed', failure: null });
    expect((await loadSaga(pool, id))?.events.length).toBe(events);
  });

  it('a running saga goes on from the first step its log does not show done, and redoes none before it', async () => {
    const id = randomUUID();
    const services = orderServices(pool);
    await startSaga(pool, { kind: 'place-order', steps: orderSaga(services).steps.slice(0, 2) }, id, ORDER);
    // A process that died after logging charge-payment's failure, before it turned to compensating.
    await recordStep(pool, id, 'charge-payment', 'failed', 'Error: connection lost');
    await setSagaState(pool, id, 'running');

    expect(await driveSaga(pool, orderSaga(services), id, fast)).toEqual({ id, state: 'completed', failure: null });
    expect(await eventsOf(id)).toEqual([
      'done:create-order',
      'done:reserve-stock',
      'failed:charge-payment',
      'done:charge-payment',
      'done:send-confirmation',
    ]);
    expect(await shopState(pool, id)).toMatchObject({ payment: 'charged', notified: true, reserved: 7 });
  });
});

describe('saga: what is tried again', () => {
  it('a step failing for a reason that is not a lost connection or a conflict is not retried', async () => {
    const id = randomUUID();
    // Down once only: a second try would succeed, so a retry would show as a completed saga.
    const once = withOutage(orderServices(pool), 'chargePayment', 1);
    const outcome = await startSaga(pool, orderSaga(once), id, ORDER, { ...fast, stepAttempts: 3 });
    expect(outcome).toEqual({ id, state: 'compensated', failure: 'charge-payment: Error: chargePayment is down' });
    // The log keeps the reason beside the event, for whoever reads it later.
    const { rows } = await pool.query(
      'SELECT event, detail FROM saga_events WHERE saga_id = $1 AND detail IS NOT NULL',
      [id],
    );
    expect(rows).toEqual([{ event: 'failed', detail: 'Error: chargePayment is down' }]);
    expect(await shopState(pool, id)).toMatchObject({ order: 'cancelled', stock: STOCK, payment: null });
  });

  it('a failing compensation waits longer before each new try', async () => {
    const id = randomUUID();
    const tries: number[] = [];
    const services = withOutage(orderServices(pool), 'sendConfirmation');
    services.refundPayment = async () => {
      tries.push(performance.now());
      throw new Error('refund service down');
    };
    const options = { retryDelayMs: 100, compensationAttempts: 3 };
    expect((await startSaga(pool, orderSaga(services), id, ORDER, options)).state).toBe('parked');
    expect(tries).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = tries;
    // Waits of one, then two retry delays: the second gap is about twice the first.
    expect((third - second) / (second - first)).toBeGreaterThan(1.3);
  });
});
