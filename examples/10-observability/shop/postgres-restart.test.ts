import { testServices, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessShopConfig, watchInProcess } from '../test/in-process.js';
import { useShopEnv } from '../test/shop-env.js';
import { shopQueuesFromEnv } from './broker.js';
import { type RunningService, startEmails, startOrders } from './services.js';

const shop = useShopEnv('pg_restart');

/** What the service's pool holds, as its own `/metrics` reports it. */
async function poolConnections(service: RunningService): Promise<number | undefined> {
  const metric = await service.registry.getSingleMetric('pg_pool_connections_total')?.get();
  return metric?.values[0]?.value;
}

// In process, so no child has to load tsx and the SDK: an uncaught exception here is what would end
// the service's own process, so the monitor records each one (and vitest still reports it).
describe('a Postgres restart under the order service and the email worker', () => {
  let orders: RunningService;
  let emails: RunningService;
  let admin: pg.Pool;
  const { crashes, logged } = watchInProcess();

  beforeAll(async () => {
    const config = inProcessShopConfig(
      { databaseUrl: shop.database.url, amqpUrl: testServices().amqpUrl },
      shopQueuesFromEnv(shop.env()),
    );
    [orders, emails] = await Promise.all([startOrders(config), startEmails(config)]);
    // One connection: `pg_backend_pid()` is then the only backend of the test's own.
    admin = shop.database.pool({ max: 1 });
  });
  afterAll(async () => {
    await orders?.stop();
    await emails?.stop();
  });

  /** One order through the order service, and the email row the worker writes for it. */
  async function placeOrder(): Promise<void> {
    const response = await fetch(`${orders.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'sencha', quantity: 1, email: 'ada@example.com' }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await waitUntil(
      async () => (await admin.query('SELECT 1 FROM emails WHERE order_id = $1', [id])).rowCount,
      `the email row of order ${id}`,
    );
  }

  it('loses only the idle connections: both services stay up and the next order goes through', async () => {
    await placeOrder(); // each pool now holds an idle connection (for 10 s, pg-pool's idle timeout)
    expect(await poolConnections(orders)).toBeGreaterThan(0);
    expect(await poolConnections(emails)).toBeGreaterThan(0);

    // What a restart or failover does to every backend; here to those in the shop's database but
    // the test's own (autovacuum workers are left alone).
    const { rows } = await admin.query<{ application_name: string }>(
      `SELECT application_name, pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    // pg-pool drops a broken idle client as it hears of it: both pools are then empty.
    await waitUntil(
      async () => (await poolConnections(orders)) === 0 && (await poolConnections(emails)) === 0,
      'both pools to drop their terminated connections',
    );

    await placeOrder(); // a fresh connection in each pool, opened at checkout
    expect(crashes.map((error) => error.message)).toEqual([]);
    // The pools name their connections, so pg_stat_activity says whose each one is.
    expect(new Set(rows.map((row) => row.application_name))).toEqual(new Set(['orders', 'email-worker']));
    const lost = logged().filter((line) => line.message === 'idle postgres connection lost');
    expect(new Set(lost.map((line) => line.service))).toEqual(new Set(['orders', 'email-worker']));
    // 57P01 admin_shutdown: what the line says is what the server said.
    expect(lost).toMatchObject(lost.map(() => ({ code: '57P01', error: expect.stringContaining('terminat') })));
  });
});
