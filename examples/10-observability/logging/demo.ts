import { PassThrough } from 'node:stream';
import { recipe } from '@cookbook/shared';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger, naiveCreateLogger } from './logger.js';

export const loggingDemo = recipe({
  services: [],
  title: 'Every log line carries the trace_id and span_id of the work that wrote it',
  lookFor: 'the same trace_id on the line and on the span; none on the naive logger’s line',
  async run({ log }) {
    new NodeTracerProvider().register();
    const lines = new PassThrough();
    lines.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
    const logger = createLogger({ service: 'orders', stream: lines });
    const naive = naiveCreateLogger({ service: 'orders', stream: lines });
    await trace.getTracer('demo').startActiveSpan('POST /orders', async (span) => {
      log(`span: trace ${span.spanContext().traceId}, span ${span.spanContext().spanId}\n`);
      logger.info('order placed', { orderId: '42' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      naive.info('order placed (naive logger)', { orderId: '42' });
      span.end();
    });
    await new Promise((resolve) => setImmediate(resolve));
    trace.disable();
    context.disable();
    propagation.disable();
  },
});
