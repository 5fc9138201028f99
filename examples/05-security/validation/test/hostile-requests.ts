import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../jwt/jwt.js';
import { TEST_SECRET } from '../../test/support.js';

/** Requests a hostile client could send, and the two ways of sending them. */

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
export const body = fc.oneof(
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
export const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded');
/** Percent-encoding no decoder accepts: a lone %, bad hex, a cut or overlong UTF-8 sequence, a NUL. */
const badPercent = fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%%', '%u0041', '%2');
const queryPart = (arbitrary: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: arbitrary.map(encodeURIComponent), weight: 3 }, badPercent);
const query = fc
  .array(
    fc.tuple(
      queryPart(fc.constantFrom('id', 'id', '__proto__', 'id[]', 'id[__proto__]')),
      queryPart(fc.string({ maxLength: 30 })),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
/** Tokens signed with the API's own secret, so only the claims can be wrong: the class of a forged-but-valid token. */
const now = Math.floor(Date.now() / 1000);
const claimValue = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.boolean());
const signedToken = fc
  .record(
    {
      sub: fc.oneof(fc.integer({ min: -5, max: 3_000_000_000 }).map(String), claimValue),
      email: claimValue,
      role: fc.oneof(fc.constantFrom('user', 'admin'), claimValue),
      iss: fc.constantFrom(ACCESS_TOKEN_ISSUER, 'https://elsewhere.example'),
      aud: fc.constantFrom(ACCESS_TOKEN_AUDIENCE, 'billing-api'),
      iat: fc.integer({ min: now - 7200, max: now + 60 }),
      exp: fc.integer({ min: now - 60, max: now + 86_400 }),
    },
    { requiredKeys: [] },
  )
  .map((claims) => `Bearer ${jwt.sign(claims, TEST_SECRET, { algorithm: 'HS256' })}`);
const authorization = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  fc.constant('Bearer '),
  signedToken,
);

/** One request a hostile client could send to any route of the API. */
export const hostileRequest = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/api/register', '/api/login'), body, contentType }),
  fc.record({ method: fc.constant('GET'), path: query.map((q) => `/api/users?${q}`), authorization }),
  fc.record({ method: fc.constant('GET'), path: fc.constant('/api/me'), authorization }),
  // A path whose own encoding is broken: still the API's JSON 404, never a 400 page or a 500.
  fc.record({ method: fc.constant('GET'), path: badPercent.map((bad) => `/api/users/${bad}`), authorization }),
);

// #endregion hostile-arbitraries

// #region header-arbitraries
// The headers that say how to read the body, each free to lie about it.
const mediaType = fc.constantFrom(
  'application/json',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json;;',
  '',
);
const charset = fc.constantFrom('utf-8', 'UTF-8', 'utf-16', 'latin1', 'bogus', '"utf-8', '');
const headerContentType = fc.option(
  fc.tuple(mediaType, fc.option(charset)).map(([type, cs]) => (cs === null ? type : `${type}; charset=${cs}`)),
);
const claimedEncoding = fc.option(
  fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'zstd', 'GZIP', 'gzip, br', 'compress', ''),
  { freq: 2 },
);
// Mostly the truth, so bodies get decoded and reach the limits; sometimes a lie.
const realEncoding = fc.oneof(
  { arbitrary: fc.constant('as claimed' as const), weight: 3 },
  fc.constantFrom('none', 'gzip', 'deflate', 'br'),
);
const framing = fc.oneof(
  { arbitrary: fc.constant('exact' as const), weight: 4 },
  fc.constantFrom('chunked', 'shorter', 'longer', 'not-a-number', 'negative', 'twice', 'both'),
);
export const headerVariation = fc.record({ headerContentType, claimedEncoding, realEncoding, framing });
// #endregion header-arbitraries

export type HostileRequest = {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  authorization?: string;
};
export type HeaderVariation = typeof headerVariation extends fc.Arbitrary<infer T> ? T : never;
