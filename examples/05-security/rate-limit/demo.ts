import { deleteRedisPrefix, recipe, redisPrefix, withServer } from '@cookbook/shared';
import express, { type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { apiLimiter, naiveApiLimiter, redisRateLimitStore } from './rate-limit.js';

export const rateLimitDemo = recipe({
  services: ['redis'],
  title: 'in-memory vs Redis store across two instances',
  lookFor: 'in memory, every instance counts alone (2 × the limit); Redis holds the limit across instances.',
  async run({ urls, defer, log }) {
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('security_demo');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const limit = 5;
    const instance = (limiter: RequestHandler) =>
      express()
        .use(limiter)
        .get('/', (_req, res) => void res.json({ ok: true }));
    const setups = {
      'in-memory store': [naiveApiLimiter({ limit }), naiveApiLimiter({ limit })],
      'Redis store': [0, 1].map(() => apiLimiter({ limit, store: redisRateLimitStore(redis, prefix) })),
    };
    for (const [name, [a, b]] of Object.entries(setups)) {
      if (!a || !b) continue;
      const allowed = await withServer(instance(a), (urlA) =>
        withServer(instance(b), async (urlB) => {
          let count = 0;
          for (let i = 0; i < 20; i++) if ((await fetch(i % 2 ? urlA : urlB)).status === 200) count++;
          return count;
        }),
      );
      log(`${name.padEnd(16)} two instances, limit ${limit} each: ${allowed} of 20 requests allowed`);
    }
  },
});
