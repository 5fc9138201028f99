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

  it('aligns service, indented name, bar and duration across services, on an axis from the first start', () => {
    // 64 ms on 8 characters: each character is 8 ms, so the halves below round exactly as written.
    const at = (ms: number) => 1_000 + ms;
    const lines = renderWaterfall(
      [
        { ...span('publish', 'root', at(4), at(64)), service: 'orders' }, // listed before its earlier sibling
        { ...span('root', undefined, at(0), at(64), 'POST /orders'), service: 'gateway' },
        { ...span('insert', 'root', at(0), at(32), 'INSERT'), service: 'orders' },
        { ...span('ack', 'publish', at(64), at(64)), service: 'orders' }, // no length, at the very end
      ],
      { width: 8 },
    );
    expect(lines).toEqual([
      'gateway  POST /orders  │████████│   64.0 ms',
      'orders     INSERT      │████    │   32.0 ms',
      // Starts half a character in and lasts 7.5: both round up, and the bar is cut at the edge.
      'orders     publish     │ ███████│   60.0 ms',
      'orders       ack       │       █│    0.0 ms',
    ]);
  });
});
