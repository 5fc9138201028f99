import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { useListeningApp } from '../test/app-support.js';
import { type RawAnswer, type RawRequest, sendRaw } from '../test/raw-http.js';
import { useUsersDatabase } from '../test/support.js';

const db = useUsersDatabase('body_decoding');
const api = useListeningApp(db);

const ADA = JSON.stringify({ email: 'ada@example.com', password: 'analytical engine' });

function register(headers: [string, string][], body: Buffer | string, extra: Partial<RawRequest> = {}) {
  return sendRaw(api.url, { method: 'POST', path: '/api/register', headers, body, ...extra });
}

/** A JSON error naming `field`, the way every 4xx of the API answers. */
function expectFieldError(answer: RawAnswer, status: number, field: string): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toContain('application/json');
  const body = JSON.parse(answer.body) as { error: string; fields: { field: string; message: string }[] };
  expect(body.error).toEqual(expect.any(String));
  expect(body.fields.map((f) => f.field)).toEqual([field]);
}

const json = (body: Buffer | string, encoding?: string): [string, string][] => [
  ['Content-Type', 'application/json'],
  ['Content-Length', String(Buffer.byteLength(body))],
  ...(encoding ? [['Content-Encoding', encoding] as [string, string]] : []),
];

describe('validation: a body that cannot be decoded is a 4xx naming the header that lied', () => {
  it.each(['gzip', 'deflate', 'br', 'GZIP'])(
    'Content-Encoding %s on a body that is not compressed → 400',
    async (encoding) => {
      expectFieldError(await register(json(ADA, encoding), ADA), 400, 'content-encoding');
    },
  );

  it('a gzip stream cut short → 400', async () => {
    const truncated = gzipSync(ADA).subarray(0, 12);
    expectFieldError(await register(json(truncated, 'gzip'), truncated), 400, 'content-encoding');
  });

  it.each(['compress', 'gzip, br', 'x-custom'])('an encoding the API does not decode (%s) → 415', async (encoding) => {
    const answer = await register(json(ADA, encoding), ADA);
    expectFieldError(answer, 415, 'content-encoding');
    expect(answer.body).toContain('gzip, deflate or br');
  });

  it('a gzip bomb is refused once it inflates past the 10 kB limit → 413', async () => {
    const bomb = gzipSync(JSON.stringify({ email: `${'a'.repeat(1_000_000)}@x.io` }));
    expect(bomb.length).toBeLessThan(10_000);
    expectFieldError(await register(json(bomb, 'gzip'), bomb), 413, 'body');
  });

  it('a charset JSON does not have → 415 naming Content-Type', async () => {
    const headers = json(ADA).map(([k, v]): [string, string] => [k, k === 'Content-Type' ? `${v}; charset=latin1` : v]);
    expectFieldError(await register(headers, ADA), 415, 'content-type');
  });

  it('malformed JSON → 400 naming the body', async () => {
    expectFieldError(await register(json('{"email":'), '{"email":'), 400, 'body');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('a body that really is %s-compressed is decoded and validated', async (encoding, compress) => {
    const body = compress(JSON.stringify({ email: 'not-an-email', password: 'analytical engine' }));
    expectFieldError(await register(json(body, encoding), body), 400, 'email');
  });
});

describe('validation: framing the HTTP parser refuses is a JSON 400 too', () => {
  it.each([
    ['a Content-Length shorter than the body', [['Content-Length', '3']]],
    ['a Content-Length that is not a number', [['Content-Length', 'ten']]],
    [
      'two different Content-Lengths',
      [
        ['Content-Length', String(ADA.length)],
        ['Content-Length', '3'],
      ],
    ],
    [
      'Content-Length with chunked Transfer-Encoding',
      [
        ['Content-Length', '3'],
        ['Transfer-Encoding', 'chunked'],
      ],
    ],
  ] as [string, [string, string][]][])('%s', async (_, framing) => {
    const answer = await register([['Content-Type', 'application/json'], ...framing], ADA);
    expectFieldError(answer, 400, 'request');
  });

  it('a body shorter than its Content-Length, then the client gives up → 400', async () => {
    const headers: [string, string][] = [
      ['Content-Type', 'application/json'],
      ['Content-Length', '500'],
    ];
    const answer = await register(headers, ADA, { endAfterWriting: true });
    expectFieldError(answer, 400, 'request');
  });
});

describe('errorHandler: every error body-parser documents, mapped in one place', () => {
  /** What body-parser passes to next(): an http-errors error with a status and a type. */
  function appFailingWith(status: number, type: string) {
    const app = express();
    app.post('/', (_req, _res, next) => next(Object.assign(new Error(type), { status, expose: status < 500, type })));
    app.use(errorHandler(() => {}));
    return app;
  }

  it.each([
    ['entity.parse.failed', 400, 'body'],
    ['entity.too.large', 413, 'body'],
    ['encoding.unsupported', 415, 'content-encoding'],
    ['charset.unsupported', 415, 'content-type'],
    ['request.size.invalid', 400, 'content-length'],
    ['request.aborted', 400, 'body'],
    ['parameters.too.many', 413, 'body'],
    ['entity.verify.failed', 403, 'body'],
  ] as const)('%s → %i naming %s, and never the library message', async (type, status, field) => {
    const res = await request(appFailingWith(status, type)).post('/');
    expect(res.status).toBe(status);
    expect(res.body.fields).toEqual([{ field, message: res.body.error }]);
    expect(res.body.error).not.toContain(type);
  });

  it('a server-side stream error (stream.not.readable, 500) stays a bare 500', async () => {
    const res = await request(appFailingWith(500, 'stream.not.readable')).post('/');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
  });
});
