import type { Server } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import { useTestDatabase } from '@cookbook/shared/testing';
import fc from 'fast-check';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../app/composition.js';
import { createHttpServer } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { hostileRequest, jsonRequest } from './hostile-requests.js';
import { sendRaw } from './raw-http.js';
import { ADMIN, openMigratedDatabase, TOKEN_SECRET } from './support.js';

const database = useTestDatabase('arch-hostile');
let db: Sequelize | undefined;
const urls: Record<string, string> = {};
const stops: (() => Promise<void>)[] = [];
const logger = createMemoryLogger();

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
  const services = createServices({ db, mailer: new MemoryOutbox(), logger, hashPassword: async (p) => `fake:${p}` });
  const server: Server = createHttpServer({ ...services, tokenSecret: TOKEN_SECRET });
  urls.Express = await listen(server, 0);
  stops.push(() => closeServer(server));
  const fastify = createFastifyApp({ ...services, tokenSecret: TOKEN_SECRET });
  urls.Fastify = await fastify.listen({ port: 0, host: '127.0.0.1' });
  stops.push(() => fastify.close());
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await db?.close();
});

/** A 4xx names the problem in the one error shape; a 5xx is never the caller's doing. */
function expectClientError(res: { status: number; body: string }) {
  expect(res.status, res.body).toBeLessThan(500);
  if (res.status < 400) return;
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

describe.each(['Express', 'Fastify'])('%s: hostile bodies and headers', (edge) => {
  // #region hostile-property
  it('no generated request (bodies, content-type, charset, content-encoding, content-length) gets a 5xx', async () => {
    // On a failure fast-check shrinks to the smallest failing request and prints the seed that replays it.
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => expectClientError(await sendRaw(urls[edge] ?? '', request))),
      { numRuns: 150 },
    );
    expect(logger.entries.filter((e) => e.message === 'unhandled error')).toEqual([]);
  });
  // #endregion hostile-property

  it.each([
    ['malformed JSON', 400, 'body', jsonRequest('POST', '/users', '{"email": ')],
    [
      'an unknown content-encoding',
      415,
      'content-encoding',
      jsonRequest('POST', '/users', '{}', [['content-encoding', 'gzip']]),
    ],
    [
      'a charset other than UTF-8',
      415,
      'content-type',
      jsonRequest('POST', '/users', '{}', [], 'application/json; charset=latin1'),
    ],
    ['a body that is not JSON', 415, 'content-type', jsonRequest('POST', '/users', 'name=Ada', [], 'text/plain')],
    [
      'a body over 100 kB',
      413,
      'body',
      jsonRequest('POST', '/products', JSON.stringify({ name: 'x'.repeat(200_000) })),
    ],
    [
      'a Content-Length that is not a number',
      400,
      'content-length',
      {
        ...jsonRequest('POST', '/users', '{}'),
        headers: [
          ['authorization', ADMIN.authorization],
          ['content-type', 'application/json'],
          ['content-length', 'abc'],
        ],
      },
    ],
    [
      'a body cut short of its Content-Length',
      400,
      'content-length',
      {
        ...jsonRequest('POST', '/users', '{}'),
        headers: [
          ['authorization', ADMIN.authorization],
          ['content-type', 'application/json'],
          ['content-length', '10'],
        ],
        hangUp: true,
      },
    ],
    [
      'both Content-Length and Transfer-Encoding (a smuggling attempt)',
      400,
      'transfer-encoding',
      {
        ...jsonRequest('POST', '/users', '{}', [['transfer-encoding', 'chunked']]),
        body: Buffer.from('2\r\n{}\r\n0\r\n\r\n'),
      },
    ],
    ['headers over 16 kB', 431, 'headers', jsonRequest('GET', '/users', '', [['x-padding', 'x'.repeat(20_000)]])],
    ['a path that is not valid percent-encoding', 400, 'path', jsonRequest('GET', '/users/%E0%A4%A')],
    [
      'stock beyond the integer column',
      400,
      'stock',
      jsonRequest('POST', '/products', JSON.stringify({ name: 'Mug', priceCents: 1, stock: 2_147_483_648 })),
    ],
    ['a cursor beyond the integer column', 400, 'after', jsonRequest('GET', '/products?after=2147483648')],
    [
      'a NUL character in a name',
      400,
      'name',
      jsonRequest('POST', '/products', JSON.stringify({ name: 'Mu\u0000g', priceCents: 1 })),
    ],
  ] as const)('%s → %i naming %s', async (_what, status, field, request) => {
    const res = await sendRaw(urls[edge] ?? '', request);
    expect(res.status, res.body).toBe(status);
    const { error } = JSON.parse(res.body) as { error: { details?: { field: string }[] } };
    expect(error.details?.map((d) => d.field)).toEqual([field]);
  });
});
