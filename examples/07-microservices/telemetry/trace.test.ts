import { spawnFixture } from '@cookbook/shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { useOrderFlowEnv } from './test/order-flow-env.js';
import { insertInto, pathTo, type SpanRecord } from './test/span-record.js';

const flow = useOrderFlowEnv('telemetry_trace');

interface Run {
  placed: number;
  spans: SpanRecord[];
  logs: Record<string, unknown>[];
}

/** The four services in one fixture process, tracing to memory from before the first import. */
async function placeOneOrder(): Promise<Run> {
  const fixture = spawnFixture(new URL('./test/system-in-memory.ts', import.meta.url), { env: flow.env() });
  const [placed] = await fixture.waitForLine(/^\{"placed":(\d+)\}$/, 60_000);
  const [line] = await fixture.waitForLine(/^\{"spans":.*\}$/, 60_000);
  await fixture.exited;
  return { placed: Number(placed?.match(/\d+/)?.[0]), ...(JSON.parse(line as string) as Omit<Run, 'placed'>) };
}

describe('one order placed at the gateway is one trace', () => {
  let run: Run;
  beforeAll(async () => {
    run = await placeOneOrder();
  }, 90_000);

  // #region trace-tree
  it('follows gateway → order service → broker → email worker → Postgres, each span under its cause', () => {
    expect(run.placed).toBe(201);
    expect(new Set(run.spans.map((s) => s.traceId)).size).toBe(1);
    const emailInsert = insertInto(run.spans, 'sent_emails') as SpanRecord;
    expect(pathTo(run.spans, emailInsert)).toEqual([
      'order-flow SERVER POST /api/orders', // the gateway, the trace's root
      'order-flow CLIENT POST', // undici to order-service: traceparent goes out here
      'order-flow SERVER POST /orders', // order-service, continuing the gateway's trace
      'order-flow INTERNAL request handler',
      `order-flow PRODUCER publish ${flow.exchange}`, // traceparent goes into the message headers
      `order-flow CONSUMER ${flow.email.queue} process`, // email-service, continuing from the headers
      expect.stringMatching(/^order-flow CLIENT pg\.query:INSERT /),
    ]);
  });
  // #endregion trace-tree

  it("puts order-service's call to user-service (fetch, through the breaker) in the same trace", () => {
    const lookup = run.spans.find((s) => s.kind === 1 && s.name === 'GET /users/:id') as SpanRecord;
    expect(pathTo(run.spans, lookup)).toEqual([
      'order-flow SERVER POST /api/orders',
      'order-flow CLIENT POST',
      'order-flow SERVER POST /orders',
      'order-flow INTERNAL request handler',
      'order-flow CLIENT GET',
      'order-flow SERVER GET /users/:id',
    ]);
  });

  // #region log-trace
  it('every log line of the order carries the trace id and the id of the span that wrote it', () => {
    const [traceId] = new Set(run.spans.map((s) => s.traceId));
    const spanIds = new Set(run.spans.map((s) => s.spanId));
    expect(new Set(run.logs.map((l) => l.service))).toEqual(
      new Set(['gateway', 'order-service', 'user-service', 'email-service']),
    );
    for (const line of run.logs) {
      expect(line).toMatchObject({ trace_id: traceId });
      expect(spanIds).toContain(line.span_id);
    }
  });
  // #endregion log-trace
});
