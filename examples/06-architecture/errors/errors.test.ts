import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHttpError } from '../app/api/http-errors.js';
import { createServices } from '../app/composition.js';
import { AppError, EmailTakenError, NotFoundError, UnavailableError, ValidationError } from '../app/errors.js';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { ProductService } from '../app/services/product-service.js';
import { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { ADMIN, openMigratedDatabase, TOKEN_SECRET } from '../test/support.js';

describe('toHttpError: the one table from errors to HTTP', () => {
  it.each([
    [new NotFoundError('User', 7), 404, 'NOT_FOUND'],
    [new EmailTakenError('a@b.c'), 409, 'EMAIL_TAKEN'],
    [new ValidationError([{ field: 'email', message: 'bad' }]), 400, 'VALIDATION_FAILED'],
    [new UnavailableError('database'), 503, 'SERVICE_UNAVAILABLE'],
    [Object.assign(new Error('request entity too large'), { status: 413, expose: true }), 413, 'BAD_REQUEST'],
    [
      Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
      400,
      'BAD_REQUEST',
    ],
    [Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 }), 400, 'BAD_REQUEST'],
    [Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), 400, 'BAD_REQUEST'],
    // Only the data layer knows a reset came from the database (and makes it UnavailableError).
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 500, 'INTERNAL'],
    [Object.assign(new Error('upstream said 404'), { status: 404 }), 500, 'INTERNAL'],
    [Object.assign(new Error('upstream exploded'), { statusCode: 502 }), 500, 'INTERNAL'],
    [new Error('anything else'), 500, 'INTERNAL'],
    [new AppError('UNMAPPED', 'an AppError nobody mapped'), 500, 'INTERNAL'],
    ['a thrown string', 500, 'INTERNAL'],
  ])('%s → %i %s', (error, status, code) => {
    const mapped = toHttpError(error, 'req-1');
    expect(mapped.status).toBe(status);
    expect(mapped.body.error).toMatchObject({ code, requestId: 'req-1' });
    expect(mapped.unexpected).toBe(status === 500);
  });
});

/** A repository with a bug, and a message full of things a client must never see. */
class BrokenRepository extends MemoryUserRepository {
  override async findById(): Promise<never> {
    throw new Error('relation "users_v2" does not exist (db-internal.corp:5432 user=app password=hunter2)');
  }
}

function brokenStack() {
  const logger = createMemoryLogger();
  const users = new UserService({
    users: new BrokenRepository(),
    hashPassword: async (p) => p,
    mailer: new MemoryOutbox(),
    logger,
  });
  const products = new ProductService({
    create: async (p) => ({ ...p, id: 1, stock: p.stock ?? 0, createdAt: new Date() }),
    findById: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
  });
  return { logger, users, products, tokenSecret: TOKEN_SECRET };
}

function expectInternalError(res: Response, logger: ReturnType<typeof createMemoryLogger>) {
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'incident-7' } });
  expect(res.text).not.toMatch(/hunter2|users_v2|db-internal/);
  const [entry] = logger.entries;
  expect(entry?.fields).toMatchObject({
    requestId: 'incident-7',
    errorMessage: expect.stringContaining('users_v2'),
  });
  expect(entry?.fields.stack).toMatch(/BrokenRepository\.findById/);
}

describe('an unexpected error: 500, nothing leaked, the stack logged under the request id', () => {
  it('Express (no try/catch in the controller: Express 5 forwards the rejection)', async () => {
    const stack = brokenStack();
    const res = await request(createHttpApp(stack)).get('/users/1').set(ADMIN).set('x-request-id', 'incident-7');
    expectInternalError(res, stack.logger);
  });

  it('Fastify, through the same error table', async () => {
    const stack = brokenStack();
    const app = createFastifyApp(stack);
    try {
      await app.ready();
      const res = await request(app.server).get('/users/1').set(ADMIN).set('x-request-id', 'incident-7');
      expectInternalError(res, stack.logger);
    } finally {
      await app.close();
    }
  });
});

describe('typed errors against the Q&A plain Error, same request', () => {
  const database = useTestDatabase('arch-errors');
  let db: Sequelize | undefined;
  beforeAll(async () => {
    db = await openMigratedDatabase(database.url);
  });
  afterAll(async () => {
    await db?.close();
  });

  // #region not-found-test
  it('an unknown user: NotFoundError → 404; the naive `new Error("User not found")` → 500', async () => {
    if (!db) throw new Error('no database');
    const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
    const fixed = await request(createHttpApp({ ...services, tokenSecret: TOKEN_SECRET }))
      .get('/users/424242')
      .set(ADMIN);
    const naive = await request(createHttpApp({ ...services, users: services.naiveUsers, tokenSecret: TOKEN_SECRET }))
      .get('/users/424242')
      .set(ADMIN);
    expect([fixed.status, fixed.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect([naive.status, naive.body.error.code]).toEqual([500, 'INTERNAL']);
  });
  // #endregion not-found-test

  it('the naive lookup still finds a user that exists; only its log tells "not found" from a bug', async () => {
    if (!db) throw new Error('no database');
    const logger = createMemoryLogger();
    const services = createServices({ db, mailer: new MemoryOutbox(), logger, hashPassword: async () => 'x' });
    const naive = createHttpApp({ ...services, users: services.naiveUsers, tokenSecret: TOKEN_SECRET });
    const user = await services.users.register({ email: 'found@example.com', name: 'Ada', password: 'p' });
    const found = await request(naive).get(`/users/${user.id}`).set(ADMIN);
    expect([found.status, Object.keys(found.body).sort()]).toEqual([200, ['createdAt', 'email', 'id', 'name']]);
    expect((await request(naive).get('/users/424242').set(ADMIN)).status).toBe(500);
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => entry.fields.errorMessage)).toEqual(['User not found']);
  });
});
