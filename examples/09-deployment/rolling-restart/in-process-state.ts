import { type Request, type Response, Router } from 'express';

// #region naive-visits
/**
 * The pitfall: a counter in process memory. On one process it counts every visit; behind a load
 * balancer each instance counts only the visits that landed on it, and a restart forgets them. The
 * same goes for sessions, rate-limit buckets and caches kept in a Map: state that must be the
 * same for every instance belongs in Redis or Postgres (the service's `/api/time` counts in Redis).
 */
export function naiveVisitCounter(): Router {
  let visits = 0;
  return Router().get('/visits', (_req: Request, res: Response) => {
    visits += 1;
    res.json({ visits });
  });
}
// #endregion naive-visits
