import type { SpanRecord } from './span-record.js';

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** The spans from the root down to `span`, each as `KIND name`, following parent ids. */
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
