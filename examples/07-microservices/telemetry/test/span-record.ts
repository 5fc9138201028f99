import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A finished span as the tests read it, whether it came from memory or over OTLP. */
export interface SpanRecord {
  service: string;
  name: string;
  /** SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
}

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

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** The spans from the root down to `span`, each as `service KIND name`, following parent ids. */
export function pathTo(spans: readonly SpanRecord[], span: SpanRecord): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const path: SpanRecord[] = [];
  for (let at: SpanRecord | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
    path.unshift(at);
  }
  return path.map((s) => `${s.service} ${KIND[s.kind]} ${s.name}`);
}

/** The span whose SQL inserts into `table`. */
export function insertInto(spans: readonly SpanRecord[], table: string): SpanRecord | undefined {
  return spans.find((s) => String(s.attributes['db.query.text'] ?? '').startsWith(`INSERT INTO ${table}`));
}
