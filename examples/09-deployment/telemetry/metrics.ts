import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

// Seconds, from a cache hit to the request deadline (5 s); 0.5 s, where a p99 alert sits, is an edge.
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every request that matched no route shares this label, so scanners probing paths add no series. */
export const UNMATCHED_ROUTE = '<unmatched>';

// #region red-metrics
const patterns = new WeakMap<Request, string>();

const MATCHED = Symbol('the route Express matched');
type Matched = Request & { [MATCHED]?: unknown };
let watching = false;

/**
 * Notes `/api/orders/:id`, the pattern that matched (never `/api/orders/42`), at the moment Express
 * sets `req.route`: by the time the response finishes, a router has reset `req.baseUrl` and the
 * `/api` of its mount path is gone from what `req` shows. The accessor sits once on the request
 * prototype all Express apps share: one defined on each request gave every request a shape of its
 * own, and Express's own code slowed down for it (the probe bench of ../logging prices that).
 */
export function watchRoutePatterns(): void {
  // Stryker disable next-line ConditionalExpression: a second define installs the same accessor over the same WeakMap
  if (watching) return;
  // Stryker disable next-line BooleanLiteral: as above, defining it again changes nothing a request sees
  watching = true;
  Object.defineProperty(express.request, 'route', {
    // Stryker disable next-line BooleanLiteral: only a second define would need it, and the guard above prevents one
    configurable: true,
    get(this: Matched) {
      return this[MATCHED];
    },
    set(this: Matched, value: { path?: unknown } | undefined) {
      this[MATCHED] = value;
      // A RegExp or array path is a pattern too: labelled as written, not as unmatched.
      // Stryker disable next-line OptionalChaining: Express sets req.route only to the route it matched, never to undefined
      if (value?.path !== undefined) patterns.set(this, `${this.baseUrl}${String(value.path)}` || '/');
    },
  });
}

/** The pattern `watchRoutePatterns` saw; one label for every request that matched no route. */
export function routePattern(req: Request): string {
  return patterns.get(req) ?? UNMATCHED_ROUTE;
}

/**
 * Rate, errors and duration per route in one histogram: its `_count` is the request counter,
 * `status_code=~"5.."` selects the errors, its buckets give the quantiles. Mount it first; the
 * labels are read when the response finishes, once the router has matched.
 */
export function recordRequests(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  watchRoutePatterns();
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = duration.startTimer();
    res.once('finish', () => {
      stop({ method: req.method, route: routePattern(req), status_code: String(res.statusCode) });
    });
    next();
  };
}
// #endregion red-metrics

// #region runtime-metrics
/**
 * prom-client's defaults (event-loop delay percentiles, GC pauses by kind, heap per space, active
 * handles, CPU, memory) plus event-loop utilisation, which they lack and which rises before delay does.
 */
export function collectRuntimeMetrics(registry: Registry): void {
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

// #region pool-metrics
/**
 * The pools' own counters, read at scrape time, one `pool` label per pool: `waiting` above zero
 * means requests queue for a connection, the state that load shedding (DB_QUEUE_MAX) acts on.
 */
export function recordPoolMetrics(registry: Registry, pools: Record<string, Pool>): void {
  const gauge = (name: string, help: string, read: (pool: Pool) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        for (const [label, pool] of Object.entries(pools)) this.set({ pool: label }, read(pool));
      },
    });
  gauge('pg_pool_connections_total', 'Connections the pool holds, idle or in use', (pool) => pool.totalCount);
  gauge('pg_pool_connections_idle', 'Connections the pool holds that no query is using', (pool) => pool.idleCount);
  gauge('pg_pool_waiting_requests', 'Callers waiting for a connection', (pool) => pool.waitingCount);
}
// #endregion pool-metrics
