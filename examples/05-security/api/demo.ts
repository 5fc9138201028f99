import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, deleteRedisPrefix, listen, portFromEnv, recipe, redisPrefix } from '@cookbook/shared';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApp } from '../app/app.js';
import { answerMalformedRequests } from '../errors/client-errors.js';
import { redisRateLimitStore } from '../rate-limit/rate-limit.js';
import { unsafeUserLookupRouter } from '../sql-injection/unsafe-lookup.js';
import { createUsersTable } from '../users/users.js';

export const apiDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'every defence in one Express API',
  lookFor: 'each curl line below answers as its comment says; Ctrl-C stops the server and drops the demo database.',
  async run({ urls, smoke, scratchDatabase, defer, untilStopped, log }) {
    const pool = new pg.Pool({ connectionString: await scratchDatabase('security_api') });
    defer(() => pool.end());
    await createUsersTable(pool);
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('security_api');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const api = createApp({
      pool,
      // The demo's outbox is the console: watch sign-up mail the address instead of answering 409.
      mailer: { send: async ({ to, subject }) => log(`mail to ${to}: "${subject}"`) },
      jwtSecret: randomBytes(32).toString('hex'),
      corsOrigins: ['https://app.example.com'],
      limits: {
        api: { store: redisRateLimitStore(redis, `${prefix}api:`) },
        login: { store: redisRateLimitStore(redis, `${prefix}login:`) },
      },
    });
    // The injectable route is mounted only here, for sqlmap; createApp() never has it.
    const server = answerMalformedRequests(
      createServer(express().use('/unsafe', unsafeUserLookupRouter(pool)).use(api)),
    );
    const url = await listen(server, smoke ? 0 : portFromEnv(3000));
    defer(() => closeServer(server));
    log(`Listening on ${url} (a random token secret; the production entry is api/server.ts with a .env)`);
    if (smoke) {
      const res = await fetch(`${url}/api/me`);
      log(`GET /api/me without a token → ${res.status} ${await res.text()}`);
      return;
    }
    const json = `-H 'content-type: application/json'`;
    const ada = `'{"email":"ada@example.com","password":"analytical engine"}'`;
    log(`Try:
  curl -i ${url}/api/register ${json} -d ${ada}
  TOKEN=$(curl -s ${url}/api/login ${json} -d ${ada} | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN"                 # 200
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN."                # 401 tampered
  curl -i "${url}/api/users?id=1%20OR%201=1" -H "authorization: Bearer $TOKEN"   # 400 names id
  curl -i "${url}/unsafe/users?id=1%20OR%201=1"                           # every row (demo only)
  curl -i ${url}/api/me -H 'Origin: https://evil.example.net'             # no Allow-Origin
  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' ${url}/api/login ${json} -d '{"email":"ada@example.com","password":"wrong guess"}'; done
Ctrl-C stops the server.`);
    await untilStopped();
  },
});
