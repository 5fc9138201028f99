import { randomUUID } from 'node:crypto';
import { recipe } from '@cookbook/shared';
import type { NewOrder } from '../shop/orders.js';
import { CARD_LIMIT_CENTS } from '../shop/payments.js';
import { createShopTables, orderServices } from '../shop/services.js';
import { demoPool } from '../src/demo-pool.js';
import { orderSaga } from './order-saga.js';
import { resumeSagas } from './resume.js';
import { startSaga } from './saga.js';
import { createSagaTables, loadSaga } from './saga-log.js';

class SimulatedCrash extends Error {}

export const sagaDemo = recipe({
  services: ['postgres'],
  title: 'an order saga with a persisted log that resumes after a crash',
  lookFor: 'failures unwind in reverse, and an abandoned saga is finished from its log on restart',
  async run(context) {
    const { scratchDatabase, log } = context;
    const pool = demoPool(context, await scratchDatabase('saga'));
    await createShopTables(pool);
    await createSagaTables(pool);
    await pool.query(`INSERT INTO stock (sku, available) VALUES ('book', 3), ('pen', 100)`);
    const saga = orderSaga(orderServices(pool));
    const order = (lines: NewOrder['lines'], totalCents = 2_000): NewOrder => ({ customerId: 1, totalCents, lines });
    const show = async (label: string, id: string) => {
      const record = await loadSaga(pool, id);
      log(`${label}: ${record?.state}${record?.failure ? ` (${record.failure})` : ''}`);
      log(`  log: ${record?.events.map((e) => `${e.event} ${e.step}`).join(' → ')}`);
    };

    const ok = randomUUID();
    await startSaga(pool, saga, ok, order([{ sku: 'book', quantity: 1 }]));
    await show('an order that goes through', ok);

    const noStock = randomUUID();
    await startSaga(pool, saga, noStock, order([{ sku: 'book', quantity: 5 }]));
    await show('5 books when 2 are left', noStock);

    const declined = randomUUID();
    await startSaga(pool, saga, declined, order([{ sku: 'pen', quantity: 1 }], CARD_LIMIT_CENTS + 1));
    await show('a card that is declined', declined);

    // A process that dies right after step 2: here, an error thrown from the hook abandons the saga mid-way.
    const crashed = randomUUID();
    const crashAfterStock = (step: string) => {
      if (step === 'reserve-stock') throw new SimulatedCrash();
    };
    await startSaga(pool, saga, crashed, order([{ sku: 'pen', quantity: 2 }]), { onStepDone: crashAfterStock }).catch(
      (error: unknown) => {
        if (!(error instanceof SimulatedCrash)) throw error;
      },
    );
    await show('abandoned after reserve-stock', crashed);
    const resumed = await resumeSagas(pool, saga, { staleAfterMs: 0 });
    log(`on restart, resumeSagas finished ${resumed.length} saga(s):`);
    await show('  the abandoned one', crashed);
    const stock = await pool.query('SELECT sku, available FROM stock ORDER BY sku');
    log(
      `stock now: ${stock.rows.map((r) => `${r.sku}=${r.available}`).join(', ')} (book 3-1, pen 100-2: compensated ones returned)`,
    );
  },
});
