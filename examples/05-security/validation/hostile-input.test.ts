import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '@cookbook/shared';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { type RegisterInput, registerSchema } from '../schemas/schemas.js';
import { useListeningApp } from '../test/app-support.js';
import { useUsersDatabase } from '../test/support.js';
import { naiveValidateBody } from './validation.js';

const db = useUsersDatabase('hostile_input');
const NO_LIMIT = { limit: 1_000_000 };
const api = useListeningApp(() => db.pool, { limits: { api: NO_LIMIT, login: NO_LIMIT } });
const RUNS = 1000;

// #region hostile-arbitraries
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'email', 'password', 'age', 'isAdmin', 'toString'];
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 }));
const scalar = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.string({ minLength: 60, maxLength: 90, unit: 'binary' }), // around bcrypt's 72-byte edge
  fc.emailAddress(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
/** JSON text built by hand, so `__proto__` really is a key in the text the server parses. */
const jsonText = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar.map((v) => JSON.stringify(v)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(key, tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;
const body = fc.oneof(
  jsonText,
  fc.constantFrom(
    '{"__proto__":{"polluted":"yes"},"email":"a@example.com","password":"password1"}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
  ),
  fc.integer({ min: 100, max: 2000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 100, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 11_000, max: 100_000 }).map((n) => JSON.stringify({ email: `${'a'.repeat(n)}@x.io` })),
  fc.string({ maxLength: 200 }), // not JSON at all
);
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded');
const query = fc
  .array(fc.tuple(fc.constantFrom('id', 'id', '__proto__', 'id[]', 'id[__proto__]'), fc.string({ maxLength: 30 })), {
    maxLength: 3,
  })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const authorization = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), fc.constant('Bearer '));

/** One request a hostile client could send to any route of the API. */
const hostileRequest = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/api/register', '/api/login'), body, contentType }),
  fc.record({ method: fc.constant('GET'), path: query.map((q) => `/api/users?${q}`), authorization }),
  fc.record({ method: fc.constant('GET'), path: fc.constant('/api/me'), authorization }),
);
// #endregion hostile-arbitraries

type HostileRequest = { method: string; path: string; body?: string; contentType?: string; authorization?: string };

async function send(baseUrl: string, req: HostileRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (req.contentType) headers['content-type'] = req.contentType;
  if (req.authorization !== undefined) headers.authorization = req.authorization.trim();
  return fetch(`${baseUrl}${req.path}`, { method: req.method, headers, body: req.body ?? null });
}

const polluted = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('validation: hostile input against every route', () => {
  it(`never answers 5xx, always answers JSON, never pollutes a prototype (${RUNS} requests)`, async () => {
    const prototypeBefore = polluted();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (req) => {
        const res = await send(api.url, req);
        await res.arrayBuffer();
        statuses.add(res.status);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toContain('application/json');
      }),
      { numRuns: RUNS },
    );
    // The input reached every kind of answer: bad input, bad token, too large, not found.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 413]));
    expect(api.serverErrors).toEqual([]);
    expect(polluted()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validation: the naive middleware under the same input', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.use(express.json({ limit: '10kb' }));
    app.post('/api/register', naiveValidateBody(registerSchema), (_req, res) => {
      const input = res.locals.body as RegisterInput;
      res.status(201).json({ email: input.email.toLowerCase() });
    });
    app.use(errorHandler(() => {}));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(server));

  it('fast-check finds a request that gets a 5xx', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        fc.record({ method: fc.constant('POST'), path: fc.constant('/api/register'), body, contentType }),
        async (req) => {
          const res = await send(url, req);
          await res.arrayBuffer();
          return res.status < 500;
        },
      ),
      { numRuns: RUNS },
    );
    expect(result.failed).toBe(true);
    expect(result.counterexample?.[0].contentType).not.toBe('application/json');
  });
});
