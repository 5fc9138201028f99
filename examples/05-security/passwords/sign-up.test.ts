import { median } from '@cookbook/shared/bench';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import type { RegisterInput } from '../schemas/schemas.js';
import { useListeningApp } from '../test/app-support.js';
import { FAST_BCRYPT_COST, useUsersDatabase } from '../test/support.js';
import { memoryOutbox } from './mailer.js';
import { createCredentialCheck } from './passwords.js';
import { createSignUp, naiveSignUp } from './sign-up.js';

const db = useUsersDatabase('security_sign_up');
const api = useListeningApp(db);

const signUp = (body: object) =>
  fetch(`${api.url}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.text() }));

describe('sign-up does not tell a stranger which emails have accounts', () => {
  it('answers a new and a registered address with the same status and body', async () => {
    await signUp({ email: 'known@example.com', password: 'the owners password' });
    const known = await signUp({ email: 'known@example.com', password: 'a strangers guess' });
    const fresh = await signUp({ email: 'fresh@example.com', password: 'a strangers guess' });
    expect(known).toEqual(fresh);
    expect(known.status).toBe(202);
    expect(JSON.parse(known.body)).toEqual({ message: 'Check your inbox: we have sent a message to this address.' });
  });

  it('mails the owner instead: a welcome for a new address, a warning for a known one', async () => {
    await signUp({ email: 'grace@example.com', password: 'the owners password' });
    await signUp({ email: 'grace@example.com', password: 'a strangers guess' });
    const toGrace = api.outbox.filter((m) => m.to === 'grace@example.com').map((m) => m.subject);
    expect(toGrace).toEqual(['Welcome', 'Someone tried to sign up with your address']);
  });

  it('says in each mail what the owner should do, and never repeats a password', async () => {
    const outbox = memoryOutbox();
    const run = createSignUp(db.pool, outbox, FAST_BCRYPT_COST);
    await run({ email: 'hedy@example.com', password: 'the owners password' });
    await run({ email: 'hedy@example.com', password: 'a strangers guess' });
    expect(outbox.messages).toEqual([
      {
        to: 'hedy@example.com',
        subject: 'Welcome',
        text: 'Your account is ready: log in with the password you chose.',
      },
      {
        to: 'hedy@example.com',
        subject: 'Someone tried to sign up with your address',
        text: 'You already have an account. If this was you, log in or reset your password; if not, ignore this message.',
      },
    ]);
  });

  it("leaves the owner's password as it was", async () => {
    await signUp({ email: 'alan@example.com', password: 'the owners password' });
    await signUp({ email: 'alan@example.com', password: 'a strangers guess' });
    const verify = createCredentialCheck(db.pool, FAST_BCRYPT_COST);
    expect(await verify('alan@example.com', 'the owners password')).toBeDefined();
    expect(await verify('alan@example.com', 'a strangers guess')).toBeUndefined();
  });

  it('the naive sign-up answers a known address differently (409 "email is already registered")', async () => {
    const naive = naiveSignUp(db.pool, FAST_BCRYPT_COST);
    const app = express().use(express.json());
    app.post('/register', async (req, res) => void res.status(201).json(await naive(req.body as RegisterInput)));
    app.use(errorHandler(() => {}));
    const first = await request(app).post('/register').send({ email: 'naive@example.com', password: 'password one' });
    const again = await request(app).post('/register').send({ email: 'naive@example.com', password: 'password two' });
    expect([first.status, again.status]).toEqual([201, 409]);
    expect(again.body.error).toBe('email is already registered');
  });
});

describe('sign-up takes about as long for a known address as for a new one', () => {
  // Cost 10, as in the login-timing test: bcrypt dwarfs the INSERT, so the ratio shows any skipped hash.
  const TIMING_COST = 10;
  const SAMPLES = 9;

  async function elapsed(work: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await work();
    return performance.now() - start;
  }

  it('known / new is near 1 (one hash and one INSERT each)', async () => {
    const run = createSignUp(db.pool, memoryOutbox(), TIMING_COST);
    await run({ email: 'timing-known@example.com', password: 'the owners password' });
    const ratios: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Back to back, so both meet the same load from whatever else runs on the machine.
      const known = await elapsed(() => run({ email: 'timing-known@example.com', password: 'a guess' }));
      const fresh = await elapsed(() => run({ email: `timing-new-${i}@example.com`, password: 'a guess' }));
      ratios.push(known / fresh);
    }
    const ratio = median(ratios);
    // The same wide band as login timing; skipping the hash for known addresses puts it near 0.02.
    expect(ratio, `known/new = ${ratio}`).toBeGreaterThan(0.5);
    expect(ratio, `known/new = ${ratio}`).toBeLessThan(2);
  });
});
