import express from 'express';
import { ConfigError, loadConfig, naiveLoadConfig } from './config.js';
import { corsPolicy, openCors } from './cors.js';
import { DEMO_ORIGIN, type DemoContext, demoApp, send, show, withServer } from './demo-support.js';
import { errorHandler } from './errors.js';
import { unsafeUserLookupRouter, userLookupRouter } from './sql-injection.js';

export async function validationDemo(ctx: DemoContext): Promise<void> {
  await withServer(demoApp(ctx), async (url) => {
    const register = `${url}/api/register`;
    show('three bad fields', await send(register, { json: { email: 'nope', password: 'short', age: 7 } }));
    show(
      'age as a string',
      await send(register, { json: { email: 'a@example.com', password: 'password1', age: '30' } }),
    );
    show('not JSON', await send(register, { body: 'hello', headers: { 'content-type': 'text/plain' } }));
    show('broken JSON', await send(register, { body: '{"email":', headers: { 'content-type': 'application/json' } }));
    show(
      '80-byte password (40 × é)',
      await send(register, { json: { email: 'a@example.com', password: 'é'.repeat(40) } }),
    );
  });
  console.log('Look for: 400 every time, every bad field named, never a 500.');
}

export async function sqlInjectionDemo(ctx: DemoContext): Promise<void> {
  await ctx.pool.query(
    `INSERT INTO users (email, password_hash) VALUES ('ada@example.com', '$2b$12$ada-hash'), ('alan@example.com', '$2b$12$alan-hash')
     ON CONFLICT (email) DO NOTHING`,
  );
  const app = express();
  app.use('/unsafe', unsafeUserLookupRouter(ctx.pool));
  app.use('/safe', userLookupRouter(ctx.pool));
  app.use(errorHandler());
  await withServer(app, async (url) => {
    for (const payload of ['1 OR 1=1', '0 UNION SELECT 0, password_hash, 0 FROM users']) {
      const q = encodeURIComponent(payload);
      show(`unsafe ?id=${payload}`, await send(`${url}/unsafe/users?id=${q}`));
      show(`safe   ?id=${payload}`, await send(`${url}/safe/users?id=${q}`));
    }
  });
  console.log('Look for: the unsafe route lists every user, then their password hashes; the safe one says 400 "id".');
  console.log(
    'sqlmap (apt install sqlmap) against the unsafe route while `pnpm example security api` runs is in the README.',
  );
}

export async function headersDemo(ctx: DemoContext): Promise<void> {
  await withServer(demoApp(ctx), async (url) => {
    const res = await send(`${url}/api/me`);
    for (const name of [
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-powered-by',
    ]) {
      console.log(`${name.padEnd(28)} ${res.headers.get(name) ?? '(absent)'}`);
    }
  });
  console.log("Look for: the Q&A's CSP inside helmet's defaults, and no X-Powered-By.");
}

export async function corsDemo(): Promise<void> {
  for (const [name, policy] of [
    ['allow-list', corsPolicy([DEMO_ORIGIN])],
    ["Q&A's cors()", openCors()],
  ] as const) {
    const app = express()
      .use(policy)
      .get('/me', (_req, res) => void res.json({ ok: true }));
    await withServer(app, async (url) => {
      for (const origin of [DEMO_ORIGIN, 'https://evil.example.net']) {
        const res = await send(`${url}/me`, { headers: { origin } });
        console.log(
          `${name.padEnd(14)} Origin ${origin.padEnd(26)} → Allow-Origin ${res.headers.get('access-control-allow-origin') ?? '(none)'}`,
        );
      }
    });
  }
  console.log('Look for: the allow-list answers only its own origin; cors() answers * to everyone.');
}

export async function configDemo(): Promise<void> {
  const env = {
    JWT_SECRET: 'changeme',
    DATABASE_URL: 'postgres://127.0.0.1/app',
    REDIS_URL: 'redis://127.0.0.1',
    PORT: 'eighty',
  };
  console.log('naive check accepts:', JSON.stringify(naiveLoadConfig(env)));
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log(`loadConfig refuses: ${error.message}`);
  }
  console.log('Look for: one line naming every bad variable; `node --env-file=.env src/server.ts` exits 1 with it.');
}
