import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forceClose, resetSocket, useBrokerVhost } from '../test/broker-faults.js';
import { inProcessShopConfig, watchInProcess } from '../test/in-process.js';
import { shopProbes } from '../test/shop-probes.js';
import { brokerConnectionName } from './broker-connection.js';
import { type RunningService, startEmails, startOrders } from './services.js';

const database = useTestDatabase('broker_restart');
// The file's own virtual host: its connection limit refuses this file's services only.
const vhost = useBrokerVhost('shop_broker_restart');

// In process, as postgres-restart.test.ts: an uncaught exception here would end the service's process.
describe('a broker restart under the order service and the email worker', () => {
  let orders: RunningService;
  let emails: RunningService;
  let admin: pg.Pool;
  const watch = watchInProcess();
  const { crashes } = watch;
  const { logged, ready, emailed, postOrder, placeOrder } = shopProbes(watch, () => ({ orders, admin }));

  beforeAll(async () => {
    const config = inProcessShopConfig({ databaseUrl: database.url, amqpUrl: vhost.url }); // in the file's own virtual host
    orders = await startOrders(config); // creates the tables
    emails = await startEmails(config);
    admin = database.pool({ max: 2 });
  });
  afterAll(async () => {
    await orders?.stop();
    await emails?.stop();
  });

  it('the email worker consumes again on a new connection: the message in hand and the next order are emailed', async () => {
    await placeOrder();
    // A message in hand as the connection goes: its insert waits on a lock the test holds.
    const lock = await admin.connect();
    await lock.query('BEGIN; LOCK TABLE emails IN EXCLUSIVE MODE');
    const inHand = await postOrder();
    const waiting = `SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
      AND application_name = 'email-worker' AND wait_event_type = 'Lock'`;
    await waitUntil(async () => (await admin.query(waiting)).rowCount, "the worker's insert to wait on the lock");
    await forceClose(brokerConnectionName('email-worker'));
    await waitUntil(() => logged('rabbitmq connection lost', 'email-worker').length, 'the worker to see the loss');
    await lock.query('COMMIT');
    lock.release();
    const { id } = (await inHand.json()) as { id: string };
    await waitUntil(emailed(id), `the email row of order ${id}, in hand at the loss`);
    await placeOrder();
    // Its first delivery could not be acknowledged on the lost channel; the broker delivered it again.
    expect(logged('message left unacknowledged; the broker delivers it again', 'email-worker')).toHaveLength(1);
    expect(logged('rabbitmq connection lost', 'email-worker')).toMatchObject([{ level: 'warn', code: 320 }]);
    expect(logged('rabbitmq connection restored', 'email-worker')).toHaveLength(1);
    expect(crashes).toEqual([]);
  });

  it('both report unready and the order service refuses orders (503) while the broker is away, then both are back', async () => {
    const stored = async () => (await admin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n as number;
    const before = await stored();
    vhost.refuseConnections(true);
    try {
      await forceClose(brokerConnectionName('orders'));
      await forceClose(brokerConnectionName('email-worker'));
      await waitUntil(async () => (await ready(orders)) === 0 && (await ready(emails)) === 0, 'both to report unready');
      const refused = await postOrder();
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '5']);
      expect(await refused.json()).toEqual({ error: expect.stringContaining('retry') });
      expect(await stored()).toBe(before); // refused before the insert: no order the worker never hears of
      // A scrape still answers, without the queue series it cannot ask the broker for.
      expect(await emails.registry.metrics()).not.toContain('rabbitmq_consumer_lag_messages{');
      await waitUntil(() => logged('rabbitmq reconnect failed', 'orders').length >= 2, 'two refused reconnects');
    } finally {
      vhost.refuseConnections(false);
    }
    await waitUntil(async () => (await ready(orders)) === 1 && (await ready(emails)) === 1, 'both to be ready again');
    await placeOrder();
    expect(crashes).toEqual([]);
  });

  it("a reset connection (an 'error' before the close) ends neither service", async () => {
    const restored = () => logged('rabbitmq connection restored', 'orders').length;
    const before = restored();
    await resetSocket(brokerConnectionName('orders'));
    await resetSocket(brokerConnectionName('email-worker'));
    await waitUntil(() => restored() > before, 'the order service to reconnect');
    await placeOrder(); // the worker's new consumer takes it
    expect(logged('rabbitmq connection lost', 'email-worker').at(-1)).toMatchObject({ code: 'ECONNABORTED' });
    expect(crashes).toEqual([]);
  });
});
