import { PassThrough } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, naiveCreateLogger } from './logger.js';

type Line = Record<string, unknown>;

function capture(): { stream: PassThrough; lines: Line[] } {
  const stream = new PassThrough();
  const lines: Line[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
  });
  return { stream, lines };
}

describe('logs joined to traces', () => {
  // A tracer provider with Node's async context, and no instrumentation: spans made by hand.
  beforeAll(() => new NodeTracerProvider().register());
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });
  const tracer = () => trace.getTracer('logging-test');

  // #region joined
  it('every line written inside a span carries that span’s trace_id and span_id', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'orders', stream });
    const ids = await tracer().startActiveSpan('POST /orders', async (span) => {
      logger.info('order received');
      await new Promise((resolve) => setTimeout(resolve, 5)); // across an await: the context follows
      logger.warn('stock low', { item: 'tea' });
      span.end();
      return span.spanContext();
    });
    const naive = capture();
    tracer().startActiveSpan('POST /orders', (span) => {
      naiveCreateLogger({ service: 'orders', stream: naive.stream }).info('order received');
      span.end();
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'orders', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    }
    expect(naive.lines[0]).not.toHaveProperty('trace_id');
  });
  // #endregion joined

  it('a line outside any span has no trace fields rather than stale ones', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'orders', stream });
    tracer().startActiveSpan('earlier', (span) => {
      logger.info('inside');
      span.end();
    });
    logger.info('outside');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('span_id');
  });

  it('keeps an error’s stack in the line', async () => {
    const { stream, lines } = capture();
    createLogger({ service: 'orders', stream }).error(new Error('pool exhausted'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(String(lines[0]?.stack)).toContain('pool exhausted');
    expect(String(lines[0]?.stack)).toContain('logger.test.ts');
  });

  it('both loggers write info and above by default, debug only when asked, each line naming its service', async () => {
    for (const create of [createLogger, naiveCreateLogger]) {
      const quiet = capture();
      const verbose = capture();
      for (const logger of [
        create({ service: 'orders', stream: quiet.stream }),
        create({ service: 'orders', stream: verbose.stream, level: 'debug' }),
      ]) {
        logger.debug('cache miss');
        logger.info('order received');
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(quiet.lines.map((line) => [line.level, line.message, line.service])).toEqual([
        ['info', 'order received', 'orders'],
      ]);
      expect(verbose.lines.map((line) => line.message)).toEqual(['cache miss', 'order received']);
    }
  });
});
