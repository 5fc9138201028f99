import { createServer, type Server } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import { createTestDatabase, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app/composition.js';
import { createHttpApp } from '../app/express-app.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { ADMIN, openMigratedDatabase, TOKEN_SECRET, uniqueEmail } from '../test/support.js';

const CONCURRENT = 20;
const database = useTestDatabase('arch-unique');
let db: Sequelize | undefined;
const servers: Server[] = [];

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
});
afterAll(async () => {
  await Promise.all(servers.map(closeServer));
  await db?.close();
});

async function serve(users: 'users' | 'naiveUsers', on: Sequelize) {
  const logger = createMemoryLogger();
  const services: Services = createServices({ db: on, mailer: new MemoryOutbox(), logger });
  const server = createServer(createHttpApp({ ...services, users: services[users], tokenSecret: TOKEN_SECRET }));
  servers.push(server);
  return { url: await listen(server, 0), logger };
}

/** Fires `CONCURRENT` registrations of one email at once and tallies the statuses. */
async function registerAtOnce(url: string, email: string): Promise<Record<number, number>> {
  const responses = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      fetch(`${url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ADMIN },
        body: JSON.stringify({ email, name: `Racer ${i}`, password: 'correct horse battery' }),
      }),
    ),
  );
  const tally: Record<number, number> = {};
  for (const res of responses) {
    await res.arrayBuffer();
    tally[res.status] = (tally[res.status] ?? 0) + 1;
  }
  return tally;
}

async function rowsWithEmail(on: Sequelize, email: string): Promise<number> {
  const [row] = await on.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', {
    bind: [email],
    type: QueryTypes.SELECT,
  });
  return row?.n ?? -1;
}

describe('one account per email, under 20 concurrent registrations', () => {
  // #region unique-index-test
  it('the fix (insert, let the unique index decide): exactly one 201, the other nineteen 409', async () => {
    if (!db) throw new Error('no database');
    const { url } = await serve('users', db);
    const email = uniqueEmail('race');
    expect(await registerAtOnce(url, email)).toEqual({ 201: 1, 409: CONCURRENT - 1 });
    expect(await rowsWithEmail(db, email)).toBe(1);
  });
  // #endregion unique-index-test

  // #region naive-race-test
  it('the naive check-then-insert: requests that passed the check hit the index and answer 500', async () => {
    if (!db) throw new Error('no database');
    const { url, logger } = await serve('naiveUsers', db);
    const email = uniqueEmail('race');
    const tally = await registerAtOnce(url, email);
    expect(tally[201]).toBe(1);
    // The race itself: at least one request saw "no such email" after another had already seen it.
    expect(tally[500] ?? 0).toBeGreaterThanOrEqual(1);
    expect((tally[409] ?? 0) + (tally[500] ?? 0)).toBe(CONCURRENT - 1);
    const crashes = logger.entries.filter((e) => e.fields.errorName === 'SequelizeUniqueConstraintError');
    expect(crashes).toHaveLength(tally[500] ?? 0);
  });
  // #endregion naive-race-test

  it('without the unique index (the Q&A never creates one), the check lets duplicate accounts in', async () => {
    const bare = await createTestDatabase(testServices().databaseUrl, 'arch-noindex');
    const on = await openMigratedDatabase(bare.url);
    try {
      await on.query('DROP INDEX users_email_key');
      const { url } = await serve('naiveUsers', on);
      const email = uniqueEmail('race');
      const tally = await registerAtOnce(url, email);
      expect(tally[201]).toBeGreaterThan(1);
      expect(await rowsWithEmail(on, email)).toBe(tally[201]);
    } finally {
      await Promise.all(servers.splice(0).map(closeServer));
      await on.close();
      await bare.drop();
    }
  });
});
