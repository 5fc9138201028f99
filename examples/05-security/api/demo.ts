import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { styleText } from 'node:util';
import { closeServer, deleteRedisPrefix, listen, portFromEnv, recipe, redisPrefix, uniqueName } from '@cookbook/shared';
import express from 'express';
import pg from 'pg';
import { type AppOptions, createApp } from '../app/app.js';
import { DEFAULT_DEPENDENCY_TIMEOUT_MS } from '../config/config.js';
import { answerMalformedRequests } from '../errors/client-errors.js';
import { errorHandler } from '../errors/errors.js';
import { redisRateLimitStore } from '../rate-limit/rate-limit.js';
import { unsafeUserLookupRouter } from '../sql-injection/unsafe-lookup.js';
import { createAppRole, createUsersTable, urlForRole } from '../users/schema.js';
import { loopbackOnly } from './loopback-only.js';
import { boundedPool, boundedRedis } from './server.js';

/** `pnpm example security api --with-injectable-route` mounts the sql-injection pitfall for sqlmap. */
export const INJECTABLE_FLAG = '--with-injectable-route';

const BANNER = [
  '!! INJECTABLE ROUTE MOUNTED: /unsafe/users pastes ?id= into SQL (the sql-injection pitfall).',
  '!! Loopback only, for sqlmap practice; the app role it runs as cannot drop, alter or delete.',
  '!! Never copy this route into a real service.',
];

/** The API as the demo serves it; the pitfall only when asked for, only on loopback. */
export function demoServer(app: AppOptions, { injectable }: { injectable: boolean }): Server {
  const root = express();
  if (injectable) root.use('/unsafe', loopbackOnly(), unsafeUserLookupRouter(app.pool));
  root.use(createApp(app));
  // The pitfall's errors end here: a bare 500, never Express's default page with a stack trace.
  root.use(errorHandler(app.log));
  return answerMalformedRequests(createServer(root));
}

export const apiDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'every defence in one Express API',
  lookFor: 'each curl line answers as its comment says; Ctrl-C stops the server and drops the demo database and role.',
  async run({ urls, smoke, args, scratchDatabase, defer, untilStopped, log }) {
    const role = uniqueName('security_demo_app');
    // Deferred first, so it runs last: a role can go only after the database holding its grants.
    defer(async () => {
      const admin = new pg.Client({ connectionString: urls.databaseUrl });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).finally(() => admin.end());
    });
    const databaseUrl = await scratchDatabase('security_api');
    const owner = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await createUsersTable(owner);
    await createAppRole(owner, role);
    await owner.end();
    // The production server's clients: each wait on Postgres or Redis bounded, and answered 503 past it.
    const bounds = { dependencyTimeoutMs: DEFAULT_DEPENDENCY_TIMEOUT_MS };
    const pool = boundedPool({ ...bounds, databaseUrl: urlForRole(databaseUrl, role) });
    defer(() => pool.end());
    const redis = boundedRedis({ ...bounds, redisUrl: urls.redisUrl });
    await once(redis, 'ready', { signal: AbortSignal.timeout(DEFAULT_DEPENDENCY_TIMEOUT_MS) }); // no offline queue
    const prefix = redisPrefix('security_api');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit().catch(() => redis.disconnect());
    });
    const injectable = args.includes(INJECTABLE_FLAG);
    const server = demoServer(
      {
        pool,
        // The demo's outbox is the console: sign-up mails the address instead of answering 409.
        mailer: { send: async ({ to, subject }) => log(`mail to ${to}: "${subject}"`) },
        jwtSecret: randomBytes(32).toString('hex'),
        corsOrigins: ['https://app.example.com'],
        limits: {
          api: { store: redisRateLimitStore(redis, `${prefix}api:`) },
          login: { store: redisRateLimitStore(redis, `${prefix}login:`) },
        },
      },
      { injectable },
    );
    const url = await listen(server, smoke ? 0 : portFromEnv(3000), '127.0.0.1');
    defer(() => closeServer(server));
    log(`Listening on ${url} as database role ${role} (no superuser, no DROP, no DELETE)`);
    if (injectable) for (const line of BANNER) console.log(styleText(['bold', 'red'], line));
    if (smoke) {
      for (const path of ['/api/me', '/unsafe/users?id=1']) {
        const res = await fetch(`${url}${path}`);
        log(`GET ${path} → ${res.status} ${await res.text()}`);
      }
      return;
    }
    printCurlLines(url, injectable, log);
    await untilStopped();
  },
});

function printCurlLines(url: string, injectable: boolean, log: (line: string) => void): void {
  const json = `-H 'content-type: application/json'`;
  const ada = `'{"email":"ada@example.com","password":"analytical engine"}'`;
  log(`Try:
  curl -i ${url}/api/register ${json} -d ${ada}               # 202, and a mail line here
  curl -i ${url}/api/register ${json} -d ${ada}               # 202 again: nothing says the email is taken
  TOKEN=$(curl -s ${url}/api/login ${json} -d ${ada} | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN"                 # 200
  curl -i ${url}/api/me -H "authorization: Bearer $TOKEN."                # 401 tampered
  curl -i "${url}/api/users?id=1%20OR%201=1" -H "authorization: Bearer $TOKEN"   # 400 names id
  curl -i "${url}/api/users?id=2" -H "authorization: Bearer $TOKEN"        # 404: not yours
  curl -i ${url}/api/register -H 'content-encoding: gzip' ${json} -d '{}'  # 400 names content-encoding
  curl -i ${url}/api/me -H 'Origin: https://evil.example.net'             # no Allow-Origin
  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' ${url}/api/login ${json} -d '{"email":"ada@example.com","password":"wrong guess"}'; done`);
  log(
    injectable
      ? `curl -i "${url}/unsafe/users?id=1%20OR%201=1"    # every row: the pitfall, for sqlmap (see sql-injection/README.md)`
      : `The injectable route is not mounted; add ${INJECTABLE_FLAG} to mount it on loopback for sqlmap.`,
  );
  log('Ctrl-C stops the server.');
}
