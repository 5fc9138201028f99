import type { Express, RequestHandler } from 'express';
import { type Options, rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { dependency } from '../errors/dependency.js';

export interface LimiterOptions {
  windowMs?: number;
  limit?: number;
  /** Where hits are counted; omit for the in-memory store (one process only). */
  store?: Store | undefined;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

// #region redis-store
/**
 * Counts hits in Redis, so every instance of the API shares one budget per client. Each
 * limiter needs its own store (and prefix): express-rate-limit refuses to share one. A Redis
 * that does not answer (the client's commandTimeout, see ../api/server.ts) or cannot be reached
 * becomes a DependencyUnavailableError: a 503, never a hang or a 500.
 */
export function redisRateLimitStore(redis: Redis, prefix: string): Store {
  const store = new RedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) =>
      dependency(
        'redis',
        () => redis.call(command, ...args) as Promise<boolean | number | string | (boolean | number | string)[]>,
      ),
  });
  return reloadingScriptsAfterFailure(store);
}

/**
 * RedisStore loads its Lua script once, in init(), and keeps the promise: a load that failed
 * (Redis away at that moment) stays failed, and every later hit with it, long after Redis is
 * back. So after a hit fails, the next one loads the scripts again first.
 */
function reloadingScriptsAfterFailure(store: RedisStore): Store {
  let options!: Options;
  let reload = false;
  return {
    init(given) {
      options = given;
      return store.init(given);
    },
    async increment(key) {
      try {
        if (reload) await store.init(options);
        reload = false;
        return await store.increment(key);
      } catch (error) {
        reload = true;
        throw error;
      }
    },
    decrement: (key) => store.decrement(key),
    resetKey: (key) => store.resetKey(key),
  };
}
// #endregion redis-store

// #region limiters
/** The general budget for the whole API. */
export function apiLimiter({ windowMs = FIFTEEN_MINUTES, limit = 100, store }: LimiterOptions = {}): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    store,
    // Fail closed: with its store away a request is refused (503), never let through uncounted.
    passOnStoreError: false,
    standardHeaders: 'draft-8', // RateLimit / RateLimit-Policy headers
    legacyHeaders: false,
    // 429 with a JSON body like every other error; the library also sets Retry-After.
    handler: (_req, res, _next, options) => {
      res.status(options.statusCode).json({ error: 'too many requests', retryAfter: res.getHeader('Retry-After') });
    },
  });
}

/**
 * Login gets a far smaller budget, and only failed attempts spend it: a user who logs in
 * correctly is never locked out, a password-guessing script is after five tries.
 */
export function loginLimiter({ windowMs = FIFTEEN_MINUTES, limit = 5, store }: LimiterOptions = {}): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    store,
    // Fail closed: an attempt nobody can count would be a free password guess.
    passOnStoreError: false,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      res
        .status(options.statusCode)
        .json({ error: 'too many login attempts', retryAfter: res.getHeader('Retry-After') });
    },
  });
}
// #endregion limiters

// #region naive-limiter
/**
 * The Q&A's limiter: the default in-memory store. Each process counts on its own, so N
 * instances behind a load balancer let a client make N times the limit.
 */
export function naiveApiLimiter({ windowMs = FIFTEEN_MINUTES, limit = 100 }: LimiterOptions = {}): RequestHandler {
  return rateLimit({ windowMs, limit, message: 'Too many requests, please try again later' });
}
// #endregion naive-limiter

// #region trust-proxy
/**
 * Tells Express how many reverse proxies (load balancer, ingress) sit in front of the app, so
 * `req.ip` is the address the outermost trusted proxy saw. Too few: every client looks like
 * the proxy and shares one budget. `true`: `req.ip` is whatever the client wrote first in
 * X-Forwarded-For, so each request can claim a new address and skip the limit.
 */
export function trustProxies(app: Express, hops: number): void {
  if (!Number.isInteger(hops) || hops < 0) throw new RangeError(`proxy hops must be a whole number, got ${hops}`);
  app.set('trust proxy', hops);
}

/** The pitfall: trust every X-Forwarded-For entry, including the ones the client made up. */
export function unsafeTrustAnyProxy(app: Express): void {
  app.set('trust proxy', true);
}
// #endregion trust-proxy
