import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

// #region runtime-metrics
/**
 * What the Node process itself reports: event-loop delay (min/mean/p50/p90/p99 since the last
 * scrape), GC pauses by kind, heap per space, active handles and requests, CPU and memory (all from
 * prom-client's defaults), plus event-loop utilisation, which the defaults lack. Delay says how late
 * timers ran; utilisation says how busy the loop was, and rises before the delay does.
 */
export function collectRuntimeMetrics(registry: Registry): void {
  // 10 ms resolution: the same sampling prom-client uses by default, cheap enough for production.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  let since: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of time the event loop was busy since the previous scrape (0 to 1)',
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, since).utilization);
      since = now;
    },
  });
}
// #endregion runtime-metrics
