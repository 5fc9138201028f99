/** What the waterfall needs of a finished span; OTLP and in-memory spans both map to it. */
export interface WaterfallSpan {
  service: string;
  name: string;
  spanId: string;
  parentSpanId: string | undefined;
  startMs: number;
  endMs: number;
}

export interface WaterfallOptions {
  /** Characters the whole trace spans. */
  width?: number;
}

// #region waterfall
/**
 * A trace as a terminal waterfall: one line per span, indented under its parent, with a bar placed
 * and sized by its start and duration on the trace's own time axis. A span whose parent is not in
 * the list (the root, or a parent another process has not exported yet) starts a tree of its own.
 */
export function renderWaterfall(spans: readonly WaterfallSpan[], { width = 40 }: WaterfallOptions = {}): string[] {
  const ids = new Set<string | undefined>(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, WaterfallSpan[]>();
  for (const span of spans) {
    const parent = ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const start = Math.min(...spans.map((span) => span.startMs));
  const total = Math.max(...spans.map((span) => span.endMs)) - start || 1;
  const ordered: { span: WaterfallSpan; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of [...(children.get(parent) ?? [])].sort((a, b) => a.startMs - b.startMs)) {
      ordered.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  const serviceWidth = Math.max(...spans.map((span) => span.service.length));
  const labelWidth = Math.max(...ordered.map(({ span, depth }) => depth * 2 + span.name.length));
  return ordered.map(({ span, depth }) => {
    const offset = Math.min(width - 1, Math.round(((span.startMs - start) / total) * width));
    const length = Math.max(1, Math.min(width - offset, Math.round(((span.endMs - span.startMs) / total) * width)));
    const bar = ' '.repeat(offset) + '█'.repeat(length) + ' '.repeat(width - offset - length);
    const label = `${'  '.repeat(depth)}${span.name}`.padEnd(labelWidth);
    const ms = `${(span.endMs - span.startMs).toFixed(1)} ms`.padStart(10);
    return `${span.service.padEnd(serviceWidth)}  ${label}  │${bar}│${ms}`;
  });
}
// #endregion waterfall
