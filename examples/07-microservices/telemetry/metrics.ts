import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * This process's metrics. One registry per process, because Prometheus scrapes one target per
 * process and labels it (`job`, `instance`); the four services of `system.ts`, run in one process
 * for tests, share it.
 */
export const metricsRegistry = new Registry();

// Seconds, from a cache hit to a call the gateway gives up on (3 s); p99 alerts at 0.5 s sit on an edge.
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Every request that matched no route shares this label, so scanners probing paths add no series. */
export const UNMATCHED_ROUTE = '<unmatched>';

// #region route-pattern
/**
 * The pattern that matched (`/users/:id`), never the raw path (`/users/42`): one series per route,
 * not per id. A prefix mounted with `app.use('/api/orders', proxy)` has no route: its prefix is the label.
 */
export function routePattern(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (typeof route?.path === 'string') return `${req.baseUrl}${route.path}` || '/';
  return req.baseUrl ? `${req.baseUrl}/*` : UNMATCHED_ROUTE;
}
// #endregion route-pattern

const durations = new WeakMap<Registry, Histogram<'method' | 'route' | 'status_code'>>();

// #region record-requests
/**
 * Rate, errors and duration per route, in one histogram: `_count` is the request counter,
 * `status_code=~"5.."` selects the errors, the buckets give the quantiles. Mounted first by
 * `createServiceApp`; the labels are read when the response has finished.
 */
export function recordRequests(registry: Registry = metricsRegistry): RequestHandler {
  let duration = durations.get(registry);
  if (!duration) {
    duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    durations.set(registry, duration);
  }
  const histogram = duration;
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = histogram.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: routePattern(req), status_code: String(res.statusCode) });
    });
    next();
  };
}
// #endregion record-requests

const runtimeCollected = new WeakSet<Registry>();

/**
 * The process itself: event-loop delay, GC pauses by kind, heap per space, handles, CPU and memory
 * (prom-client's defaults), plus event-loop utilisation, which rises before the delay does.
 */
export function collectRuntimeMetrics(registry: Registry = metricsRegistry): void {
  if (runtimeCollected.has(registry)) return; // the defaults register once per registry
  runtimeCollected.add(registry);
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
