import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import request, { type Response } from 'supertest';
import { expect } from 'vitest';
import { type Caller, signAccessToken } from '../app/api/access-token.js';
import type { Edge } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';

/** A Sequelize on the file's own test database, migrated to the latest schema. Small pool: the server is shared. */
export async function openMigratedDatabase(url: string): Promise<Sequelize> {
  const db = createDatabase(url, { poolMax: 4 });
  await migrate(db, migrations);
  return db;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}.${randomBytes(5).toString('hex')}@example.com`;
}

/** The secret every test app signs its tokens with. */
export const TOKEN_SECRET = 'test-secret-that-is-at-least-32-bytes-long';

export function bearer(caller: Caller, options?: { ttlSeconds?: number; now?: number }): string {
  return `Bearer ${signAccessToken(caller, TOKEN_SECRET, options)}`;
}

/** What a client reads in every 503: when to come back, nothing about what failed. */
export const UNAVAILABLE_MESSAGE = 'Temporarily unable to serve this request; retry after the Retry-After delay';

/** The header of an admin: the route table's requests are an admin's unless a case says otherwise. */
export const ADMIN = { authorization: bearer({ userId: 1, role: 'admin' }) };

export type Method = 'get' | 'post' | 'patch' | 'delete';

/** The HTTP client the route table uses, whatever framework serves the routes. */
export interface Http {
  call(method: Method, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** No Authorization header at all. */
  anonymous(method: Method, path: string, body?: unknown): Promise<Response>;
  /** Sends raw text as JSON, for malformed bodies. */
  raw(method: Method, path: string, text: string): Promise<Response>;
}

/** A hash field by either name, a hash value, or the plaintext every test registers with. */
const LEAK = /password_?hash|scrypt\$|correct horse|another password/i;

/**
 * Every response through this client is checked for password material, so "no route ever
 * returns the hash" is asserted on every body of every test, not in one place.
 */
export function httpClient(target: Express | Server): Http {
  const check = (method: Method, path: string, res: Response) => {
    expect(res.text, `${method.toUpperCase()} ${path} leaked password material`).not.toMatch(LEAK);
    return res;
  };
  return {
    call: async (method, path, body, headers = {}) => {
      const req = request(target)
        [method](path)
        .set({ ...ADMIN, ...headers });
      return check(method, path, await (body === undefined ? req : req.send(body as object)));
    },
    anonymous: async (method, path, body) => {
      const req = request(target)[method](path);
      return check(method, path, await (body === undefined ? req : req.send(body as object)));
    },
    raw: async (method, path, text) =>
      check(
        method,
        path,
        await request(target)[method](path).set(ADMIN).set('content-type', 'application/json').send(text),
      ),
  };
}

export type Framework = 'express' | 'fastify';

/** One edge served in-process by either framework, behind the checked client. */
export async function serveEdge(framework: Framework, edge: Edge): Promise<{ http: Http; close(): Promise<void> }> {
  if (framework === 'express') return { http: httpClient(createHttpApp(edge)), close: async () => {} };
  const app = createFastifyApp(edge);
  await app.ready();
  return { http: httpClient(app.server), close: () => app.close() };
}
