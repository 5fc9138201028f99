import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useShopEnv } from '../test/shop-env.js';
import { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.js';
import { type ShopProcess, startShopProcess, stopShopProcess } from './test/shop-processes.js';
import { insertInto, pathTo } from './test/tree.js';
import { renderWaterfall } from './waterfall.js';

const shop = useShopEnv('otlp_export');

describe('spans leave each process over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let processes: ShopProcess[] = [];
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const env = { ...shop.env(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const orders = await startShopProcess('orders', env);
    const emails = await startShopProcess('email-worker', env);
    const gateway = await startShopProcess('gateway', { ...env, ORDERS_URL: orders.url });
    processes = [gateway, orders, emails];
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.fixture.kill()));
    await receiver?.close();
  });

  // #region otlp-export
  it('three processes, one trace: W3C context crossed HTTP and the RabbitMQ message headers', async () => {
    const response = await fetch(`${processes[0]?.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'oolong', quantity: 1, email: 'grace@example.com' }),
    });
    expect(response.status).toBe(201);
    const emailInsert = await receiver.waitForSpan((span) => insertInto([span], 'emails') !== undefined);
    const traceOf = () => receiver.spans.filter((s) => s.traceId === emailInsert.traceId);
    // Each process sends its own batches: the gateway's may come after the worker's last span.
    const path = await waitUntil(() => {
      const hops = pathTo(traceOf(), emailInsert);
      return hops[0]?.startsWith('gateway SERVER') ? hops : undefined;
    }, 'the gateway’s spans of the same trace');
    expect(path).toEqual([
      'gateway SERVER POST /orders',
      'gateway INTERNAL request handler',
      'gateway CLIENT POST',
      'orders SERVER POST /orders',
      'orders INTERNAL request handler',
      `orders PRODUCER publish ${shop.exchange}`,
      `email-worker CONSUMER ${shop.queue} process`,
      `email-worker CLIENT pg.query:INSERT ${String(emailInsert.attributes['db.namespace'])}`,
    ]);
    expect(new Set(receiver.contentTypes)).toEqual(new Set(['application/json']));
    console.log(renderWaterfall(traceOf()).join('\n'));
  });
  // #endregion otlp-export

  it('each process flushes its spans and exits 0 on SIGTERM', async () => {
    const codes = await Promise.all(processes.map(stopShopProcess));
    expect(codes).toEqual([0, 0, 0]);
  });
});
