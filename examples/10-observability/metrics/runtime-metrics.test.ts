import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectRuntimeMetrics } from './runtime-metrics.js';

/** The value of a metric without labels in the exposition text, or undefined when absent. */
function gaugeValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runtime metrics', () => {
  it('exposes event-loop delay and utilisation, GC, heap and handles', async () => {
    const registry = new Registry();
    collectRuntimeMetrics(registry);
    const text = await registry.metrics();
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_utilization_ratio',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_active_handles_total',
      'nodejs_gc_duration_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(text, name).toContain(`# TYPE ${name}`);
    }
  });

  it('a blocked loop shows as high utilisation and a p99 delay near the block', async () => {
    const registry = new Registry();
    collectRuntimeMetrics(registry);
    await registry.metrics(); // start a fresh window for both
    await tick(100); // an idle stretch first, so the contrast is in this window
    for (let i = 0; i < 4; i++) {
      blockFor(150);
      await tick(5);
    }
    const text = await registry.metrics();
    expect(gaugeValue(text, 'nodejs_eventloop_utilization_ratio')).toBeGreaterThan(0.5);
    // The delay histogram samples every 10 ms; a 150 ms block delays a sample by at least 100 ms.
    expect(gaugeValue(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0.1);
    const idle = await (async () => {
      await tick(300);
      return gaugeValue(await registry.metrics(), 'nodejs_eventloop_utilization_ratio');
    })();
    expect(idle).toBeLessThan(0.5);
  });

  it('counts garbage collections as they happen', async () => {
    const registry = new Registry();
    collectRuntimeMetrics(registry);
    const gcCount = async () =>
      (await registry.metrics())
        .split('\n')
        .filter((l) => l.startsWith('nodejs_gc_duration_seconds_count'))
        .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    const before = await gcCount();
    let garbage: unknown[] = [];
    for (let round = 0; round < 50 && (await gcCount()) === before; round++) {
      garbage = Array.from({ length: 200_000 }, (_, i) => ({ i }));
      await tick(10);
    }
    expect(garbage.length).toBe(200_000);
    expect(await gcCount()).toBeGreaterThan(before);
  });
});
