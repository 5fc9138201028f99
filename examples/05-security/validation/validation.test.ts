import express from 'express';
import Joi from 'joi';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { type RegisterInput, registerSchema, userLookupSchema } from '../schemas/schemas.js';
import { naiveValidateBody, validate } from './validation.js';

/** Echoes what the handler would receive, so the tests see exactly what validation let through. */
function echoApp() {
  const app = express();
  app.use(express.json());
  const register: express.RequestHandler = (_req, res) => {
    const input = res.locals.body as RegisterInput;
    // What a real handler does first; on an undefined body this line throws.
    res.status(201).json({ ...input, email: input.email.toLowerCase(), passwordLength: input.password.length });
  };
  app.post('/register', validate(registerSchema, 'body'), register);
  app.post('/naive/register', naiveValidateBody(registerSchema), register);
  app.get('/users', validate(userLookupSchema, 'query'), (_req, res) => void res.json(res.locals.query));
  app.use(errorHandler(() => {}));
  return app;
}

const fieldsOf = (body: { fields?: { field: string }[] }) => body.fields?.map((f) => f.field);

describe('validation: the reusable middleware', () => {
  it('names every failing field, not just the first', async () => {
    const res = await request(echoApp()).post('/register').send({ email: 'not-an-email', password: 'short', age: 7 });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['email', 'password', 'age']);
  });

  it('drops unknown fields instead of passing them to the handler', async () => {
    const res = await request(echoApp())
      .post('/register')
      .send({ email: 'Ada@Example.com ', password: 'long enough', isAdmin: true, role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email: 'ada@example.com', password: 'long enough', passwordLength: 11 });
  });

  it('does not coerce a JSON string into a number in the body', async () => {
    const res = await request(echoApp())
      .post('/register')
      .send({ email: 'a@example.com', password: 'long enough', age: '30' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['age']);
  });

  it('does convert the query string, where every value is text', async () => {
    const res = await request(echoApp()).get('/users').query({ id: '42' });
    expect(res.body).toEqual({ id: 42 });
  });

  it('rejects a password bcrypt would truncate, counting bytes', async () => {
    const res = await request(echoApp())
      .post('/register')
      .send({ email: 'a@example.com', password: 'é'.repeat(40) });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field: 'password', message: expect.stringContaining('72 bytes') }]);
  });

  it('accepts a password of exactly 72 bytes, the most bcrypt reads', async () => {
    const res = await request(echoApp())
      .post('/register')
      .send({ email: 'a@example.com', password: 'é'.repeat(36) });
    expect([res.status, res.body.passwordLength]).toEqual([201, 36]);
  });

  it('refuses an id below 1 or above the int4 column, in the query', async () => {
    for (const id of ['0', '-3', '2147483648']) {
      const res = await request(echoApp()).get('/users').query({ id });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, ['id']]);
    }
    expect((await request(echoApp()).get('/users').query({ id: '2147483647' })).body).toEqual({ id: 2147483647 });
  });

  it('answers a body that is not JSON with 400, and broken JSON with 400 naming the body', async () => {
    const notJson = await request(echoApp()).post('/register').set('Content-Type', 'text/plain').send('hello');
    expect(notJson.status).toBe(400);
    expect(fieldsOf(notJson.body)).toEqual(['email', 'password']);
    const broken = await request(echoApp()).post('/register').set('Content-Type', 'application/json').send('{"email":');
    expect(broken.status).toBe(400);
    expect(fieldsOf(broken.body)).toEqual(['body']);
  });

  it('names a nested field by its path', async () => {
    const address = Joi.object({ address: Joi.object({ city: Joi.string().required() }).required() });
    const app = express()
      .use(express.json())
      .post('/', validate(address, 'body'), (_req, res) => void res.json({}));
    const res = await request(app.use(errorHandler(() => {})))
      .post('/')
      .send({ address: {} });
    expect(fieldsOf(res.body)).toEqual(['address.city']);
  });
});

describe('validation: the naive middleware (the Q&A version)', () => {
  it('names only the first failing field', async () => {
    const res = await request(echoApp())
      .post('/naive/register')
      .send({ email: 'not-an-email', password: 'short', age: 7 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringContaining('email') });
    expect(JSON.stringify(res.body)).not.toContain('password');
  });

  it('lets a valid body through to the handler', async () => {
    const res = await request(echoApp())
      .post('/naive/register')
      .send({ email: 'A@example.com', password: 'long enough!' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'a@example.com', passwordLength: 12 });
  });

  it('crashes the handler with a 500 when the body is not JSON', async () => {
    const res = await request(echoApp()).post('/naive/register').set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(500);
  });
});
