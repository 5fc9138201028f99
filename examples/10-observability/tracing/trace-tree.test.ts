import { spawnFixture } from '@cookbook/shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { useShopEnv } from '../test/shop-env.js';
import type { SpanRecord } from './test/span-record.js';
import { insertInto, pathTo } from './test/tree.js';
import { renderWaterfall } from './waterfall.js';

const shop = useShopEnv('trace_tree');

interface Run {
  spans: SpanRecord[];
  logs: Record<string, unknown>[];
}

/** Runs the whole shop with the in-memory exporter, places one order, returns its spans and log lines. */
async function placeOneOrder(env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const fixture = spawnFixture(new URL('./test/shop-in-memory.ts', import.meta.url), {
    env: { ...shop.env(), ...env },
  });
  try {
    const [, json] = await fixture.waitForLine(/^(\{"spans".*)$/, 60_000);
    const logs = fixture.lines
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fixture.lines).toContain('{"placed":201}');
    return { spans: (JSON.parse(json as string) as { spans: SpanRecord[] }).spans, logs };
  } finally {
    await fixture.kill();
  }
}

describe('one order, one trace', () => {
  let run: Run;
  beforeAll(async () => {
    run = await placeOneOrder();
    console.log(renderWaterfall(run.spans).join('\n'));
  }, 90_000);

  // #region trace-tree
  it('follows gateway → order service → broker → email worker → Postgres, each span under its cause', () => {
    const { spans } = run;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const emailInsert = insertInto(spans, 'emails') as SpanRecord;
    expect(pathTo(spans, emailInsert)).toEqual([
      'shop SERVER POST /orders', // the gateway, the trace's root
      'shop INTERNAL request handler',
      'shop CLIENT POST', // http.request to the order service: traceparent goes out here
      'shop SERVER POST /orders', // the order service, continuing the gateway's trace
      'shop INTERNAL request handler',
      `shop PRODUCER publish ${shop.exchange}`, // traceparent goes into the message headers
      `shop CONSUMER ${shop.queue} process`, // the email worker, continuing from the headers
      `shop CLIENT pg.query:INSERT ${String(emailInsert.attributes['db.namespace'])}`,
    ]);
  });
  // #endregion trace-tree

  it('puts the order’s INSERT under the order service and the idempotency check under the gateway', () => {
    const { spans } = run;
    const orderInsert = insertInto(spans, 'orders') as SpanRecord;
    const emailInsert = insertInto(spans, 'emails') as SpanRecord;
    expect(pathTo(spans, orderInsert).slice(0, 5)).toEqual(pathTo(spans, emailInsert).slice(0, 5));
    const idempotency = spans.find((s) => s.name === 'set') as SpanRecord;
    expect(pathTo(spans, idempotency)).toEqual([
      'shop SERVER POST /orders',
      'shop INTERNAL request handler',
      'shop CLIENT set',
    ]);
  });

  it('every line the three services logged for the order names this trace and one of its spans', () => {
    const { spans, logs } = run;
    const spanIds = new Set(spans.map((s) => s.spanId));
    expect(logs.map((l) => l.service).sort()).toEqual(['email-worker', 'gateway', 'orders']);
    for (const line of logs) {
      expect(line.trace_id).toBe(spans[0]?.traceId);
      expect(spanIds.has(String(line.span_id))).toBe(true);
    }
  });

  // #region late-start
  it('started after the modules it patches, the SDK records nothing and the logs lose their trace', async () => {
    const { spans, logs } = await placeOneOrder({ LATE: '1' });
    expect(spans).toEqual([]);
    expect(logs).toHaveLength(3);
    for (const line of logs) expect(line).not.toHaveProperty('trace_id');
  }, 90_000);
  // #endregion late-start
});
