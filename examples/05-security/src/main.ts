import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, heading, isMain, isSmoke, listen, portFromEnv, resolveServices } from '@cookbook/shared';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApp } from './app.js';
import { DEMO_ORIGIN, DEMO_SECRET, type DemoContext, send, show } from './demo-support.js';
import { jwtDemo, passwordsDemo, rateLimitDemo } from './demos-auth.js';
import { configDemo, corsDemo, headersDemo, sqlInjectionDemo, validationDemo } from './demos-input.js';
import { redisRateLimitStore } from './rate-limit.js';
import { unsafeUserLookupRouter } from './sql-injection.js';
import { createUsersTable } from './users.js';

type Demo = (ctx: DemoContext) => Promise<void>;

const RECIPES: Record<string, { title: string; run: Demo }> = {
  validation: { title: 'validation: Joi schemas, every field named, never a 500', run: validationDemo },
  'sql-injection': { title: 'sql-injection: string-built vs validated + parameterized', run: sqlInjectionDemo },
  passwords: { title: 'passwords: bcrypt, 72-byte limit, constant-time login', run: passwordsDemo },
  jwt: { title: 'jwt: one pinned algorithm, 401 for every bad token', run: jwtDemo },
  'rate-limit': { title: 'rate-limit: in-memory vs Redis store across two instances', run: rateLimitDemo },
  headers: { title: 'headers: helmet with the CSP', run: headersDemo },
  config: { title: 'config: the environment validated before listening', run: configDemo },
  cors: { title: 'cors: an allow-list with credentials', run: corsDemo },
  api: { title: 'api: every defence in one Express API', run: apiDemo },
};

// #region api-demo
async function apiDemo(ctx: DemoContext): Promise<void> {
  const api = createApp({
    pool: ctx.pool,
    jwtSecret: DEMO_SECRET,
    corsOrigins: [DEMO_ORIGIN],
    limits: {
      api: { store: redisRateLimitStore(ctx.redis, `${ctx.redisPrefix}api:`) },
      login: { store: redisRateLimitStore(ctx.redis, `${ctx.redisPrefix}login:`) },
    },
  });
  // The injectable route is mounted only here, for sqlmap; createApp() never has it.
  const root = express().use('/unsafe', unsafeUserLookupRouter(ctx.pool)).use(api);
  const server = createServer(root);
  const url = await listen(server, ctx.smoke ? 0 : portFromEnv(3000));
  console.log(`Listening on ${url} (a demo secret; the real entry is src/server.ts with a .env)`);
  if (ctx.smoke) {
    show('GET /api/me without a token', await send(`${url}/api/me`));
    await closeServer(server);
    return;
  }
  const json = `-H 'content-type: application/json'`;
  const ada = `'{"email":"ada@example.com","password":"analytical engine"}'`;
  console.log(`Try:
  curl -i ${url}/api/register ${json} -d ${ada}
  TOKEN=$(curl -s ${url}/api/login ${json} -d ${ada} | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN"                 # 200
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN."                # 401 tampered
  curl -i "${url}/api/users?id=1%20OR%201=1" -H "authorization: Bearer $TOKEN"   # 400 names id
  curl -i "${url}/unsafe/users?id=1%20OR%201=1"                           # every row (demo only)
  curl -i ${url}/api/me -H 'Origin: https://evil.example.net'             # no Allow-Origin
  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' ${url}/api/login ${json} -d '{"email":"ada@example.com","password":"wrong guess"}'; done
Ctrl-C stops the server.`);
  // Not onShutdown(): it exits as soon as its cleanup resolves, and main still has to drop the
  // demo schema and keys after this returns.
  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log(`${signal}: closing the server and dropping the demo schema`);
  await closeServer(server);
}
// #endregion api-demo

async function withDemoContext(work: (ctx: DemoContext) => Promise<void>): Promise<void> {
  const services = await resolveServices(['postgres', 'redis']);
  // Own schema and key prefix: the demo never touches anyone else's tables or keys.
  const id = randomBytes(4).toString('hex');
  const schema = `cookbook_security_${id}`;
  const admin = new pg.Pool({ connectionString: services.databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 5, options: `-c search_path=${schema}` });
  const redis = new Redis(services.redisUrl ?? '');
  const ctx: DemoContext = { pool, redis, redisPrefix: `cookbook:security:${id}:`, smoke: isSmoke() };
  try {
    await createUsersTable(pool);
    await work(ctx);
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    for await (const keys of redis.scanStream({ match: `${ctx.redisPrefix}*` }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
    await redis.quit();
    await services.stop();
  }
}

export async function main(recipe?: string): Promise<number> {
  const chosen = recipe === undefined ? Object.values(RECIPES) : [RECIPES[recipe]];
  if (chosen.some((entry) => entry === undefined)) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  await withDemoContext(async (ctx) => {
    for (const entry of chosen) {
      if (!entry) continue;
      heading(entry.title);
      await entry.run(ctx);
    }
  });
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
