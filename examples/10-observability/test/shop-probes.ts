import { waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { expect } from 'vitest';
import type { RunningService, ServiceName } from '../shop/services.js';
import type { InProcessWatch } from './in-process.js';

/** What a broker-fault test asks of the order service and the email worker it runs in process. */
export interface ShopProbes {
  /** What `service` logged to stdout so far with this message. */
  logged(message: string, service: ServiceName): Record<string, unknown>[];
  /** The service's `app_ready` gauge: 1 ready, 0 not. */
  ready(service: RunningService): Promise<number | undefined>;
  /** A poll for the email row of order `id`, for `waitUntil`. */
  emailed(id: string): () => Promise<number | null>;
  /** One order posted to the order service, its answer unread. */
  postOrder(): Promise<Response>;
  /** One order through the order service (201), and the email row the worker writes for it. */
  placeOrder(): Promise<void>;
}

/**
 * The probes read the services through getters because the test starts them in `beforeAll`,
 * after this is called at the top of its `describe`.
 */
export function shopProbes(
  watch: InProcessWatch,
  running: () => { orders: RunningService; admin: pg.Pool },
): ShopProbes {
  const emailed = (id: string) => async () =>
    (await running().admin.query('SELECT 1 FROM emails WHERE order_id = $1', [id])).rowCount;
  const postOrder = () =>
    fetch(`${running().orders.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'sencha', quantity: 1, email: 'ada@example.com' }),
    });
  return {
    logged: (message, service) => watch.logged().filter((line) => line.message === message && line.service === service),
    ready: async (service) => (await service.registry.getSingleMetric('app_ready')?.get())?.values[0]?.value,
    emailed,
    postOrder,
    async placeOrder() {
      const response = await postOrder();
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      await waitUntil(emailed(id), `the email row of order ${id}`);
    },
  };
}
