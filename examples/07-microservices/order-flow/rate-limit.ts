import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';

export interface RateLimitOptions {
  redis: Redis;
  prefix: string;
  /** Requests allowed per client per window. */
  limit: number;
  windowMs: number;
  /** Who is being limited, e.g. the client an API key belongs to. */
  clientOf(req: Request, res: Response): string;
}

// #region rate-limit
/**
 * A fixed window counted in Redis, so every gateway instance shares one budget per client.
 * INCR and PEXPIRE go in one MULTI: a crash between them cannot leave a counter that never expires.
 */
export function rateLimit({ redis, prefix, limit, windowMs, clientOf }: RateLimitOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const window = Math.floor(Date.now() / windowMs);
    const key = `${prefix}ratelimit:${clientOf(req, res)}:${window}`;
    const results = await redis.multi().incr(key).pexpire(key, windowMs).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    res.setHeader('ratelimit-limit', limit);
    res.setHeader('ratelimit-remaining', Math.max(0, limit - count));
    if (count > limit) {
      const retryAfterMs = (window + 1) * windowMs - Date.now();
      res.setHeader('retry-after', Math.ceil(retryAfterMs / 1000));
      return void res.status(429).json({ error: 'rate limit exceeded, slow down' });
    }
    next();
  };
}
// #endregion rate-limit
