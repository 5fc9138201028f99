import { describe, expect, it } from 'vitest';
import { renderWaterfall, type WaterfallSpan } from './waterfall.js';

const span = (spanId: string, parentSpanId: string | undefined, startMs: number, endMs: number, name = spanId) =>
  ({ service: 'shop', name, spanId, parentSpanId, startMs, endMs }) satisfies WaterfallSpan;

const barOf = (line: string | undefined) => line?.split('│')[1] ?? '';

describe('renderWaterfall', () => {
  const trace = [
    span('child', 'root', 0, 50, 'INSERT orders'),
    span('root', undefined, 0, 100, 'POST /orders'),
    span('grandchild', 'child', 10, 20, 'pg.connect'),
    span('later', 'root', 60, 100, 'publish'),
  ];

  it('prints one line per span, depth-first in start order, indented under its parent', () => {
    const lines = renderWaterfall(trace, { width: 20 });
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split('│')[0]?.trimEnd())).toEqual([
      'shop  POST /orders',
      'shop    INSERT orders',
      'shop      pg.connect',
      'shop    publish',
    ]);
  });

  it('places and sizes each bar on the trace’s time axis', () => {
    const [root, child, grandchild, later] = renderWaterfall(trace, { width: 20 }).map(barOf);
    expect(root).toBe('█'.repeat(20));
    expect(child).toBe(`${'█'.repeat(10)}${' '.repeat(10)}`);
    expect(grandchild).toBe(`${'  '}${'██'}${' '.repeat(16)}`);
    expect(later).toBe(`${' '.repeat(12)}${'█'.repeat(8)}`);
  });

  it('gives a span of no measurable length one character, and a span with a missing parent its own tree', () => {
    const lines = renderWaterfall([span('root', undefined, 0, 100), span('orphan', 'not-exported', 50, 50)], {
      width: 10,
    });
    expect(barOf(lines[1]).trim()).toBe('█');
    expect(lines[1]?.startsWith('shop  orphan')).toBe(true);
  });

  it('renders nothing for no spans', () => {
    expect(renderWaterfall([])).toEqual([]);
  });
});
