import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

// #region buckets
// Seconds, from a cache hit to a request that should have timed out; p99 alerts at 0.5 s sit on a
// bucket edge, so `histogram_quantile` is exact there rather than interpolated across a wide bucket.
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// #endregion buckets

/** Every request that matched no route shares this label, so scanners probing paths add no series. */
export const UNMATCHED_ROUTE = '<unmatched>';

// #region route-pattern
const patterns = new WeakMap<Request, string>();

const MATCHED = Symbol('the route Express matched');
type Matched = Request & { [MATCHED]?: unknown };
let watching = false;

/**
 * Notes `/orders/:id`, the pattern that matched (never `/orders/42`), at the moment Express sets
 * `req.route`. Read later it can be wrong: a failure passed on with `next(error)` is answered
 * outside the router, which has by then reset `req.baseUrl`, and `/orders` is gone from the label.
 * The accessor is defined once, on the request prototype every Express app shares: defined on each
 * request instead, it gave every request object a shape of its own, and Express's code slowed for it.
 */
export function watchRoutePatterns(): void {
  if (watching) return;
  watching = true;
  Object.defineProperty(express.request, 'route', {
    get(this: Matched) {
      return this[MATCHED];
    },
    // A RegExp route labels as its source: still one series per route.
    set(this: Matched, value: { path: unknown }) {
      this[MATCHED] = value;
      patterns.set(this, `${this.baseUrl}${String(value.path)}` || '/');
    },
  });
}

/** The pattern `watchRoutePatterns` saw; one label for every request that matched no route. */
export function routePattern(req: Request): string {
  return patterns.get(req) ?? UNMATCHED_ROUTE;
}
// #endregion route-pattern

// #region red-metrics
/**
 * Rate, errors and duration per route. One histogram carries all three: its `_count` is the
 * request counter, `status_code=~"5.."` selects the errors, its buckets give the quantiles.
 * Mount it before the routers; the labels are read when the response finishes.
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

// #region naive-red-metrics
/** The pitfall: the raw path as a label, so every order id becomes a series of its own. */
export function naiveRecordRequests(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, path and status code',
    labelNames: ['method', 'path', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.once('finish', () => stop({ method: req.method, path: req.path, status_code: String(res.statusCode) }));
    next();
  };
}
// #endregion naive-red-metrics
