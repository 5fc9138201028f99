import type { Server } from 'node:http';
import express, { type Express } from 'express';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmetForApi, securityHeaderValues } from '../app/api/security-headers.js';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { ProductService } from '../app/services/product-service.js';
import { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { ADMIN, TOKEN_SECRET } from '../test/support.js';

const logger = createMemoryLogger();
const edge = {
  users: new UserService({
    users: new MemoryUserRepository(),
    hashPassword: async (p) => p,
    mailer: new MemoryOutbox(),
    logger,
  }),
  products: new ProductService({
    create: async (p) => ({ ...p, id: 1, stock: p.stock ?? 0, createdAt: new Date() }),
    findById: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
  }),
  logger,
  tokenSecret: TOKEN_SECRET,
};
const fastify = createFastifyApp(edge);
const targets: Record<string, Express | Server> = { Express: createHttpApp(edge) };
beforeAll(async () => {
  await fastify.ready();
  targets.Fastify = fastify.server;
});
afterAll(() => fastify.close());

/** Every header helmet sets: both frameworks must send each, with the same value. */
const HELMET = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

// Success, and each way an answer is made somewhere else: auth, routing, the body parser, the path decoder.
const ANSWERS: [string, (target: Express | Server) => Promise<Response>][] = [
  ['200', (t) => request(t).get('/products').set(ADMIN)],
  ['401', (t) => request(t).get('/products')],
  ['404', (t) => request(t).get('/nowhere').set(ADMIN)],
  ['400 malformed JSON', (t) => request(t).post('/users').set(ADMIN).set('content-type', 'application/json').send('{')],
  ['400 undecodable path', (t) => request(t).get('/users/%E0%A4%A').set(ADMIN)],
];

describe.each(ANSWERS)('security headers on a %s', (_answer, send) => {
  it('CSP with frame-ancestors, HSTS, X-Frame-Options and Referrer-Policy, on both frameworks', async () => {
    for (const target of Object.values(targets)) {
      const { headers } = await send(target);
      expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
      expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('Fastify sends every header helmet sends on Express, with the same value', async () => {
    const [express, fastifyAnswer] = [await send(targets.Express as Express), await send(targets.Fastify as Server)];
    const pick = (res: Response) => HELMET.map((name) => [name, res.headers[name]]);
    expect(pick(fastifyAnswer)).toEqual(pick(express));
    expect(pick(express).every(([, value]) => value !== undefined)).toBe(true);
  });
});

describe('no ETag', () => {
  it('neither framework hashes the body into an ETag (Express would by default, Fastify does not)', async () => {
    for (const target of Object.values(targets)) {
      const res = await request(target).get('/products').set(ADMIN);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBeUndefined();
    }
  });
});

describe('the header list, worked out once', () => {
  it('is exactly what helmet itself sends on a response', async () => {
    const helmetItself = express()
      .use(helmetForApi())
      .get('/', (_req, res) => {
        res.end();
      });
    const { headers } = await request(helmetItself).get('/');
    const fromHelmet = Object.fromEntries(HELMET.map((name) => [name, headers[name]]));
    expect(securityHeaderValues()).toEqual(fromHelmet);
  });
});
