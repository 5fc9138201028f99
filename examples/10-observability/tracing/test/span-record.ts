import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ReceivedSpan } from '../otlp-receiver.js';

/** A finished span as tests and the waterfall read it, whether it came from memory or over OTLP. */
export type SpanRecord = ReceivedSpan;

export function recordOf(span: ReadableSpan): SpanRecord {
  return {
    service: String(span.resource.attributes['service.name']),
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    startMs: hrTimeToMilliseconds(span.startTime),
    endMs: hrTimeToMilliseconds(span.endTime),
    attributes: { ...span.attributes },
  };
}
