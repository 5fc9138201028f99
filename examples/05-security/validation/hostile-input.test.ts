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
import { body, contentType, headerVariation, hostileRequest } from './test/hostile-requests.js';
import { send, sendVaried } from './test/send-hostile.js';
import { naiveValidateBody } from './validation.js';

const db = useUsersDatabase('hostile_input');
const NO_LIMIT = { limit: 1_000_000 };
const api = useListeningApp(db, { limits: { api: NO_LIMIT, login: NO_LIMIT } });
const RUNS = 1000;

const polluted = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('validation: hostile input against every route', () => {
  it(`never answers 5xx, always answers JSON, never pollutes a prototype (${RUNS} requests, headers varied)`, async () => {
    const prototypeBefore = polluted();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest, headerVariation, async (req, variation) => {
        const answer = await sendVaried(api.url, req, variation);
        statuses.add(answer.status);
        expect(answer.status, answer.body).toBeGreaterThanOrEqual(200);
        expect(answer.status, answer.body).toBeLessThan(500);
        expect(answer.headers['content-type']).toContain('application/json');
      }),
      { numRuns: RUNS },
    );
    // The input reached every kind of answer: bad input, bad token, too large, an encoding or charset we refuse.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 413, 415]));
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
