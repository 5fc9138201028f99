import { setTimeout as sleep } from 'node:timers/promises';
import { context, INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { withCorrelationId } from '../correlation/correlation.js';
import { createLogger } from '../correlation/logger.js';

describe('the winston logger', () => {
  it('every line is JSON with the service, a timestamp and the correlation id of its own request', async () => {
    const lines: string[] = [];
    const log = createLogger('order-service', (line) => lines.push(line));
    // Two requests interleaved on one event loop: each line still carries its own id.
    const request = (id: string) =>
      withCorrelationId(id, async () => {
        log.info('received', { step: 1 });
        await sleep(5);
        log.warn('answered', { step: 2 });
      });
    await Promise.all([request('trace-a'), request('trace-b')]);
    log.error('outside any request');
    await sleep(0); // the stream transport hands lines on asynchronously
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(5);
    for (const entry of entries) {
      expect(entry).toMatchObject({ service: 'order-service' });
      expect(Date.parse(String(entry.timestamp))).not.toBeNaN();
    }
    const byId = (id: string) => entries.filter((e) => e.correlationId === id).map((e) => `${e.level} ${e.message}`);
    expect(byId('trace-a')).toEqual(['info received', 'warn answered']);
    expect(byId('trace-b')).toEqual(['info received', 'warn answered']);
    expect(entries.at(-1)).not.toHaveProperty('correlationId');
  });

  it('adds trace_id and span_id only for a real span: a context of zeros is no trace to search for', async () => {
    // A registered provider brings the context manager that carries the active span across awaits.
    const provider = new NodeTracerProvider();
    provider.register();
    onTestFinished(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    });
    const lines: string[] = [];
    const log = createLogger('gateway', (line) => lines.push(line));
    const ids = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      log.info('in a span');
      span.end();
      return span.spanContext();
    });
    // What a non-recording span propagated with no trace carries: all-zero ids.
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext(INVALID_SPAN_CONTEXT)), () => {
      log.info('in a span of zeros');
    });
    await sleep(0);
    const [inSpan, inZeros] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inSpan).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
    expect(ids.traceId).not.toBe(INVALID_SPAN_CONTEXT.traceId);
    expect(inZeros).not.toHaveProperty('trace_id');
    expect(inZeros).not.toHaveProperty('span_id');
  });
});
