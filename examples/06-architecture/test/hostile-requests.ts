import { randomBytes } from 'node:crypto';
import { type Gen, maybe, oneOf, pick } from './arbitrary.js';
import type { RawRequest } from './raw-http.js';
import { ADMIN, bearer } from './support.js';

type Headers = [string, string][];

/** A request with a correct Content-Length, for the hand-picked cases. */
export function jsonRequest(
  method: string,
  path: string,
  text = '',
  extra: Headers = [],
  contentType = 'application/json',
): RawRequest {
  const body = Buffer.from(text, 'utf8');
  const headers: Headers =
    text === ''
      ? []
      : [
          ['content-type', contentType],
          ['content-length', String(body.length)],
        ];
  return { method, path, headers: [['authorization', ADMIN.authorization], ...headers, ...extra], body };
}

// Values at and past every column's edge: int4 bounds, the business cap on prices, lengths
// around each varchar, characters Postgres refuses (NUL) and ones JavaScript mangles.
const INTS = [0, 1, -1, 2_147_483_647, 2_147_483_648, -2_147_483_649, 100_000_000, 100_000_001, 2 ** 53, 1e308, 1.5];
const STRINGS = [
  '',
  ' ',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(201),
  '\u0000',
  'a\u0000b',
  '\uD800',
  '😀'.repeat(60),
  "'; DROP TABLE users; --",
  `${'x'.repeat(250)}@example.com`,
];
const scalar: Gen<unknown> = oneOf<unknown>(
  pick(...INTS),
  pick(...STRINGS),
  pick(null, true, false),
  pick([], {}, [1], { a: { b: 1 } }),
);
const NUMBERS_IN_URLS = [
  '1',
  '0',
  '-1',
  '2147483647',
  '2147483648',
  '99999999999999999999',
  '1e3',
  'abc',
  '%00',
  '%E0%A4%A',
  '1.5',
  '%20',
];
const urlNumber = pick(...NUMBERS_IN_URLS);

const ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/users'],
  ['POST', '/products'],
  ['PATCH', '/users/:id'],
  ['DELETE', '/users/:id'],
  ['GET', '/users'],
  ['GET', '/products'],
  ['GET', '/users/:id'],
  ['GET', '/products/:id'],
];

/** A valid body for the route with up to two fields replaced by an edge value, so the edges reach the database. */
const body: Gen<Record<string, unknown>> = (random) => {
  const valid: Record<string, unknown> = {
    email: `fuzz.${randomBytes(5).toString('hex')}@example.com`,
    name: 'Ada',
    password: 'correct horse',
    priceCents: 100,
    stock: 1,
  };
  const fields = ['email', 'name', 'password', 'priceCents', 'stock', 'id', 'passwordHash'];
  for (let i = Math.floor(random() * 3); i > 0; i--) valid[pick(...fields)(random)] = scalar(random);
  return valid;
};

const bodyBytes: Gen<Buffer> = oneOf(
  (random) => Buffer.from(JSON.stringify(body(random))),
  (random) => Buffer.from(JSON.stringify(body(random)).slice(0, 1 + Math.floor(random() * 20))),
  (random) => randomBytes(1 + Math.floor(random() * 64)),
  pick(
    ...['', 'null', '[]', '"Ada"', '123', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}'].map((t) =>
      Buffer.from(t),
    ),
  ),
  () => Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=""',
  'application/json;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];
const ENCODINGS = ['identity', 'IDENTITY', 'gzip', 'deflate', 'br', 'x-unknown', 'gzip, identity'];
const LENGTHS = ['exact', 'exact', 'exact', 'short', 'long', 'abc', '-1', 'twice', 'none'] as const;
const REQUEST_IDS = ['trace-1', 'x'.repeat(300), '../../etc/passwd', '\u00ff\u00fe'];
// Mostly an admin, so requests reach validation and the database; sometimes no one in particular.
const AUTHORIZATIONS = [
  ADMIN.authorization,
  ADMIN.authorization,
  ADMIN.authorization,
  bearer({ userId: 2, role: 'user' }),
  'Bearer not.a-token',
  'Basic YWRhOmFkYQ==',
];

export const hostileRequest: Gen<RawRequest> = (random) => {
  const [method, template] = pick(...ROUTES)(random);
  let path = template.replace(':id', urlNumber(random));
  if (method === 'GET' && !template.includes(':id'))
    path += `?limit=${urlNumber(random)}${random() < 0.5 ? `&after=${urlNumber(random)}` : ''}`;
  const payload = method === 'GET' && random() < 0.7 ? Buffer.from('') : bodyBytes(random);
  const headers: Headers = [];
  const authorization = maybe(pick(...AUTHORIZATIONS))(random);
  if (authorization !== undefined || random() < 0.8)
    headers.push(['authorization', authorization ?? ADMIN.authorization]);
  const type = maybe(pick(...CONTENT_TYPES))(random);
  if (type !== undefined) headers.push(['content-type', type]);
  const encoding = random() < 0.3 ? pick(...ENCODINGS)(random) : undefined;
  if (encoding !== undefined) headers.push(['content-encoding', encoding]);
  const length = pick(...LENGTHS)(random);
  const exact = String(payload.length);
  if (length === 'exact') headers.push(['content-length', exact]);
  if (length === 'short') headers.push(['content-length', String(Math.max(0, payload.length - 1))]);
  if (length === 'long') headers.push(['content-length', String(payload.length + 3)]);
  if (length === 'abc' || length === '-1') headers.push(['content-length', length]);
  if (length === 'twice') headers.push(['content-length', exact], ['content-length', String(payload.length + 1)]);
  const requestId = maybe(pick(...REQUEST_IDS))(random);
  if (requestId !== undefined) headers.push(['x-request-id', requestId]);
  return { method, path, headers, body: payload, hangUp: length === 'long' };
};
