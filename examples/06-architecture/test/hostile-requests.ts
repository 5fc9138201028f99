import fc from 'fast-check';
import { hostileBodyBytes } from './hostile-bodies.js';
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
const urlNumber = fc.constantFrom(...NUMBERS_IN_URLS);
/** True `percent` times in a hundred. */
const chance = (percent: number) => fc.integer({ min: 0, max: 99 }).map((n) => n < percent);

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

/** One of `values` half the time, otherwise absent (fast-check's `freq: 2`: absent one time in two). */
const optional = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { nil: undefined, freq: 2 });

export const hostileRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    id: urlNumber,
    limit: urlNumber,
    after: fc.option(urlNumber, { nil: undefined, freq: 2 }),
    bodiless: chance(70), // most GETs carry no body
    bytes: hostileBodyBytes,
    authorization: optional(AUTHORIZATIONS),
    sendAdminAnyway: chance(80),
    type: optional(CONTENT_TYPES),
    encoding: fc.tuple(chance(30), fc.constantFrom(...ENCODINGS)).map(([sent, value]) => (sent ? value : undefined)),
    length: fc.constantFrom(...LENGTHS),
    requestId: optional(REQUEST_IDS),
  })
  .map((c) => {
    const [method, template] = c.route;
    let path = template.replace(':id', c.id);
    if (method === 'GET' && !template.includes(':id'))
      path += `?limit=${c.limit}${c.after === undefined ? '' : `&after=${c.after}`}`;
    const payload = method === 'GET' && c.bodiless ? Buffer.from('') : c.bytes;
    const headers: Headers = [];
    if (c.authorization !== undefined || c.sendAdminAnyway)
      headers.push(['authorization', c.authorization ?? ADMIN.authorization]);
    if (c.type !== undefined) headers.push(['content-type', c.type]);
    if (c.encoding !== undefined) headers.push(['content-encoding', c.encoding]);
    const exact = String(payload.length);
    if (c.length === 'exact') headers.push(['content-length', exact]);
    if (c.length === 'short') headers.push(['content-length', String(Math.max(0, payload.length - 1))]);
    if (c.length === 'long') headers.push(['content-length', String(payload.length + 3)]);
    if (c.length === 'abc' || c.length === '-1') headers.push(['content-length', c.length]);
    if (c.length === 'twice') headers.push(['content-length', exact], ['content-length', String(payload.length + 1)]);
    if (c.requestId !== undefined) headers.push(['x-request-id', c.requestId]);
    return { method, path, headers, body: payload, hangUp: c.length === 'long' };
  });
