import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../app/composition.js';
import { createHttpApp } from '../app/express-app.js';
import { type EmailSender, MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { ADMIN, openMigratedDatabase, TOKEN_SECRET, uniqueEmail } from '../test/support.js';

const database = useTestDatabase('arch-email');
let db: Sequelize | undefined;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
});
afterAll(async () => {
  await db?.close();
});

const failingMailer: EmailSender = { sendWelcome: async () => Promise.reject(new Error('SMTP 421 try later')) };
// Never settles: the registration must not be waiting on it.
const hangingMailer: EmailSender = { sendWelcome: () => new Promise<void>(() => {}) };

function setup(mailer: EmailSender) {
  if (!db) throw new Error('no database');
  const logger = createMemoryLogger();
  const services = createServices({ db, mailer, logger });
  return {
    services,
    logger,
    fixed: createHttpApp({ ...services, tokenSecret: TOKEN_SECRET }),
    naive: createHttpApp({ ...services, users: services.naiveUsers, tokenSecret: TOKEN_SECRET }),
  };
}

const body = (email: string) => ({ email, name: 'Ada', password: 'correct horse battery' });

describe('the welcome email', () => {
  it('goes out once per registration through the EmailSender port', async () => {
    const outbox = new MemoryOutbox();
    const { services, fixed } = setup(outbox);
    const email = uniqueEmail();
    expect((await request(fixed).post('/users').set(ADMIN).send(body(email))).status).toBe(201);
    await services.users.drain();
    expect(outbox.sent).toEqual([{ to: email, name: 'Ada' }]);
  });

  it('the fix: a failing mailer does not fail the registration; the failure is logged', async () => {
    const { services, logger, fixed } = setup(failingMailer);
    const email = uniqueEmail();
    const res = await request(fixed).post('/users').set(ADMIN).send(body(email));
    expect(res.status).toBe(201);
    await services.users.drain();
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'welcome email failed',
        fields: expect.objectContaining({ userId: res.body.id }),
      }),
    );
    expect((await request(fixed).get(`/users/${res.body.id}`).set(ADMIN)).status).toBe(200);
  });

  it('the fix: a mailer that never answers does not hold the response', async () => {
    const { fixed } = setup(hangingMailer);
    expect((await request(fixed).post('/users').set(ADMIN).send(body(uniqueEmail()))).status).toBe(201);
  });

  it('the naive service sends the same welcome, only awaited; another account does not block it', async () => {
    const outbox = new MemoryOutbox();
    const { services, naive, fixed } = setup(outbox);
    expect((await request(fixed).post('/users').set(ADMIN).send(body(uniqueEmail()))).status).toBe(201);
    await services.users.drain();
    outbox.sent.length = 0;
    const email = uniqueEmail();
    expect((await request(naive).post('/users').set(ADMIN).send(body(email))).status).toBe(201);
    expect(outbox.sent).toEqual([{ to: email, name: 'Ada' }]);
  });

  // #region naive-mailer-test
  it('the naive service awaits the mailer: 500 for an account that exists, and the retry gets 409', async () => {
    const { naive, fixed } = setup(failingMailer);
    const email = uniqueEmail();
    const first = await request(naive).post('/users').set(ADMIN).send(body(email));
    expect(first.status).toBe(500);
    // The row was committed before the mailer failed: the client was told "failed" about a success.
    const listed = await request(fixed).get('/users?limit=100').set(ADMIN);
    expect(listed.body.items.map((u: { email: string }) => u.email)).toContain(email);
    expect((await request(naive).post('/users').set(ADMIN).send(body(email))).status).toBe(409);
  });
  // #endregion naive-mailer-test
});
