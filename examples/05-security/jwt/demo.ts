import { randomBytes } from 'node:crypto';
import { recipe, withServer } from '@cookbook/shared';
import express, { type RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { errorHandler } from '../errors/errors.js';
import { authenticate, naiveAuthenticate, signAccessToken } from './jwt.js';

export const jwtDemo = recipe({
  title: 'one pinned algorithm, 401 for every bad token',
  services: [],
  lookFor: 'fixed says 401 to every bad token; naive says 403 (wrong status) and accepts HS512.',
  async run({ log }) {
    const secret = randomBytes(32).toString('hex');
    const user = { id: 1, email: 'ada@example.com' };
    const now = Math.floor(Date.now() / 1000);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const valid = signAccessToken(user, secret);
    const [header, , signature] = valid.split('.');
    const tokens: Record<string, string | undefined> = {
      missing: undefined,
      valid,
      expired: jwt.sign({ sub: '1', exp: now - 60 }, secret),
      tampered: `${header}.${b64({ sub: '2', exp: now + 600 })}.${signature}`,
      'alg none': `${b64({ alg: 'none' })}.${b64({ sub: '1', exp: now + 600 })}.`,
      'HS512 (not ours)': jwt.sign({ sub: '1' }, secret, { algorithm: 'HS512', expiresIn: 600 }),
    };
    const app = express();
    const ok: RequestHandler = (_req, res) => void res.json({ ok: true });
    app.get('/fixed', authenticate(secret), ok);
    app.get('/naive', naiveAuthenticate(secret), ok);
    app.use(errorHandler());
    await withServer(app, async (url) => {
      for (const [name, token] of Object.entries(tokens)) {
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const [fixed, naive] = [await fetch(`${url}/fixed`, { headers }), await fetch(`${url}/naive`, { headers })];
        log(`${name.padEnd(18)} fixed ${fixed.status}   naive ${naive.status}`);
      }
    });
  },
});
