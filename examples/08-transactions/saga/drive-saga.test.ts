import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopTables, orderServices } from '../shop/services.js';
import { ORDER, resetShop } from '../shop/test/shop.js';
import { orderSaga } from './order-saga.js';
import { driveSaga, startSaga } from './saga.js';
import { createSagaTables, loadSaga } from './saga-log.js';

const database = useTestDatabase('drive_saga');
let pool: pg.Pool;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool);
});
beforeEach(() => resetShop(pool));

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
});
