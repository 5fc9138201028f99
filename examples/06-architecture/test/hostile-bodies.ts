import fc from 'fast-check';

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
const scalar = fc.oneof(
  fc.constantFrom(...INTS),
  fc.constantFrom(...STRINGS),
  fc.constantFrom(null, true, false),
  fc.constantFrom([], {}, [1], { a: { b: 1 } }),
);

const FIELDS = ['email', 'name', 'password', 'priceCents', 'stock', 'id', 'passwordHash'] as const;
const body = fc
  .record({ suffix: fc.nat(), swaps: fc.array(fc.tuple(fc.constantFrom(...FIELDS), scalar), { maxLength: 2 }) })
  .map(({ suffix, swaps }) => {
    // A repeated suffix is a 409 from the unique index: still a 4xx, so still a fair case.
    const valid: Record<string, unknown> = {
      email: `fuzz.${suffix}@example.com`,
      name: 'Ada',
      password: 'correct horse',
      priceCents: 100,
      stock: 1,
    };
    for (const [field, value] of swaps) valid[field] = value;
    return valid;
  });

/**
 * A request body's bytes: a valid user or product with up to two fields swapped for an edge value,
 * the same cut short, random bytes, JSON that is not an object, prototype keys, and deep nesting.
 */
export const hostileBodyBytes = fc.oneof(
  body.map((value) => Buffer.from(JSON.stringify(value))),
  fc
    .tuple(body, fc.integer({ min: 1, max: 20 }))
    .map(([value, cut]) => Buffer.from(JSON.stringify(value).slice(0, cut))),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    ...['', 'null', '[]', '"Ada"', '123', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}'].map((t) =>
      Buffer.from(t),
    ),
  ),
  fc.constant(Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)),
);
