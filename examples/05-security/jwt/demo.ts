import { performance } from 'node:perf_hooks';
import express, { type RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { DEMO_SECRET, type DemoContext, send, withServer } from './demo-support.js';
import { errorHandler } from './errors.js';
import { authenticate, naiveAuthenticate, signAccessToken } from './jwt.js';
import { createCredentialCheck, hashPassword, naiveCredentialCheck, naiveHashPassword } from './passwords.js';
import { apiLimiter, naiveApiLimiter, redisRateLimitStore } from './rate-limit.js';
import { insertUser } from './users.js';

export async function passwordsDemo(ctx: DemoContext): Promise<void> {
  const cost = ctx.smoke ? 10 : 12;
  const prefix = 'a'.repeat(72);
  const naiveHash = await naiveHashPassword(`${prefix}-mine`, cost);
  const bcrypt = await import('bcrypt');
  console.log(
    `naive: hash of 72 a's + "-mine" accepts 72 a's + "-yours": ${await bcrypt.compare(`${prefix}-yours`, naiveHash)}`,
  );
  await hashPassword(`${prefix}-mine`, cost).catch((error: Error) => console.log(`fixed: ${error.message}`));

  await ctx.pool.query("DELETE FROM users WHERE email = 'timing@example.com'");
  await insertUser(ctx.pool, { email: 'timing@example.com', passwordHash: await hashPassword('right password', cost) });
  const samples = ctx.smoke ? 1 : 3;
  for (const [name, verify] of [
    ['naive', naiveCredentialCheck(ctx.pool)],
    ['fixed', createCredentialCheck(ctx.pool, cost)],
  ] as const) {
    await verify('warm@example.com', 'x'); // the fixed check builds its dummy hash on first use
    const time = async (email: string) => {
      const start = performance.now();
      for (let i = 0; i < samples; i++) await verify(email, 'wrong password');
      return (performance.now() - start) / samples;
    };
    const unknown = await time('nobody@example.com');
    const wrong = await time('timing@example.com');
    console.log(
      `${name}: unknown email ${unknown.toFixed(0)} ms, wrong password ${wrong.toFixed(0)} ms (cost ${cost})`,
    );
  }
  console.log(
    'Look for: naive answers unknown emails ~instantly (an oracle for who has an account); fixed takes the same time.',
  );
}

export async function jwtDemo(): Promise<void> {
  const user = { id: 1, email: 'ada@example.com' };
  const now = Math.floor(Date.now() / 1000);
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const valid = signAccessToken(user, DEMO_SECRET);
  const tokens: Record<string, string | undefined> = {
    missing: undefined,
    valid,
    expired: jwt.sign({ sub: '1', exp: now - 60 }, DEMO_SECRET),
    tampered: `${valid.split('.')[0]}.${b64({ sub: '2', exp: now + 600 })}.${valid.split('.')[2]}`,
    'alg none': `${b64({ alg: 'none' })}.${b64({ sub: '1', exp: now + 600 })}.`,
    'HS512 (not ours)': jwt.sign({ sub: '1' }, DEMO_SECRET, { algorithm: 'HS512', expiresIn: 600 }),
  };
  const app = express();
  const ok: RequestHandler = (_req, res) => void res.json({ ok: true });
  app.get('/fixed', authenticate(DEMO_SECRET), ok);
  app.get('/naive', naiveAuthenticate(DEMO_SECRET), ok);
  app.use(errorHandler());
  await withServer(app, async (url) => {
    for (const [name, token] of Object.entries(tokens)) {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const [fixed, naive] = [await send(`${url}/fixed`, { headers }), await send(`${url}/naive`, { headers })];
      console.log(`${name.padEnd(18)} fixed ${fixed.status}   naive ${naive.status}`);
    }
  });
  console.log('Look for: fixed says 401 to every bad token; naive says 403 (wrong status) and accepts HS512.');
}

export async function rateLimitDemo(ctx: DemoContext): Promise<void> {
  const limit = 5;
  const instance = (limiter: RequestHandler) =>
    express()
      .use(limiter)
      .get('/', (_req, res) => void res.json({ ok: true }));
  const setups = {
    'in-memory store': [naiveApiLimiter({ limit }), naiveApiLimiter({ limit })],
    'Redis store': [0, 1].map(() =>
      apiLimiter({ limit, store: redisRateLimitStore(ctx.redis, `${ctx.redisPrefix}demo:`) }),
    ),
  };
  for (const [name, limiters] of Object.entries(setups)) {
    const [a, b] = limiters.map(instance);
    if (!a || !b) continue;
    const allowed = await withServer(a, (urlA) =>
      withServer(b, async (urlB) => {
        let count = 0;
        for (let i = 0; i < 20; i++) if ((await send(i % 2 ? urlA : urlB)).status === 200) count++;
        return count;
      }),
    );
    console.log(`${name.padEnd(16)} two instances, limit ${limit} each: ${allowed} of 20 requests allowed`);
  }
  console.log(
    `Look for: in memory, every instance counts alone (2 × ${limit}); Redis holds the limit across instances.`,
  );
}
