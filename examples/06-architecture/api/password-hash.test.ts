import { useTestDatabase } from '@cookbook/shared/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../app/composition.js';
import { createHttpApp } from '../app/express-app.js';
import { defineModels } from '../app/models/index.js';
import { SequelizeUserRepository } from '../app/repositories/user-repository.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { verifyPassword } from '../app/utils/password.js';
import { ADMIN, openMigratedDatabase, TOKEN_SECRET, uniqueEmail } from '../test/support.js';

const database = useTestDatabase('arch-hash');
let db: Sequelize | undefined;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
});
afterAll(async () => {
  await db?.close();
});

const PASSWORD = 'correct horse battery';

describe('the password hash never leaves the repository', () => {
  // #region naive-hash-test
  it('the naive repository returns the ORM row from create: the 201 body carries the hash', async () => {
    if (!db) throw new Error('no database');
    const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
    const res = await request(createHttpApp({ ...services, users: services.naiveUsers, tokenSecret: TOKEN_SECRET }))
      .post('/users')
      .set(ADMIN)
      .send({ email: uniqueEmail(), name: 'Ada', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.passwordHash).toMatch(/^scrypt\$/);
  });
  // #endregion naive-hash-test

  it('the fix maps rows to User explicitly: no hash in the body, and the stored hash verifies', async () => {
    if (!db) throw new Error('no database');
    const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
    const email = uniqueEmail();
    const res = await request(createHttpApp({ ...services, tokenSecret: TOKEN_SECRET }))
      .post('/users')
      .set(ADMIN)
      .send({ email, name: 'Ada', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'email', 'id', 'name']);
    const [row] = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', {
      bind: [email],
      type: QueryTypes.SELECT,
    });
    expect(row?.password_hash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, row?.password_hash ?? '')).toBe(true);
    expect(await verifyPassword('wrong password', row?.password_hash ?? '')).toBe(false);
  });

  it('verifyPassword refuses another scheme, an unsalted hash and a truncated key, even where scrypt would match', async () => {
    // Each key below is scrypt's real answer for PASSWORD: only the format checks refuse them.
    const key = '49nG-qQ8BMdQ_gge3RQRISz-IU6zXQoQMJRaw_GzhHw';
    const salt = 'YSBmaXhlZCAxNkIgc2FsdA';
    expect(await verifyPassword(PASSWORD, `scrypt$${salt}$${key}`)).toBe(true);
    expect(await verifyPassword(PASSWORD, `bcrypt$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$$Q68aE-0Pv9oDCg65f8cI9uSFLdvQJBuKs-t87e69ztA')).toBe(false);
    expect(await verifyPassword(PASSWORD, `scrypt$${salt}$${key.slice(0, 20)}`)).toBe(false);
  });

  it('finding and listing users never even read the hash column', async () => {
    if (!db) throw new Error('no database');
    const { User } = defineModels(db);
    const read = new Set<string>();
    User.addHook('afterFind', (found) => {
      for (const row of Array.isArray(found) ? found : [found])
        for (const column of Object.keys(row?.get() ?? {})) read.add(column);
    });
    const users = new SequelizeUserRepository(User);
    const user = await users.create({ email: uniqueEmail(), name: 'Ada', passwordHash: 'scrypt$salt$key' });
    await users.findById(user.id);
    await users.list({ limit: 5 });
    expect([...read].sort()).toEqual(['createdAt', 'email', 'id', 'name']);
  });
});
