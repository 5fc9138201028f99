import type Joi from 'joi';
import { describe, expect, it } from 'vitest';
import {
  INT4_MAX,
  idParamsSchema,
  newProductSchema,
  pageSchema,
  parseInput,
  type RequestPart,
  registerUserSchema,
  userPatchSchema,
} from '../app/api/schemas.js';
import { ValidationError } from '../app/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../app/utils/pagination.js';

/** The fields a refused input names, or the value an accepted one becomes. */
function outcome<T>(schema: Joi.ObjectSchema<T>, input: unknown, part: RequestPart = 'body'): unknown {
  try {
    return parseInput(schema, input, part);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { refused: [...new Set(error.details.map((detail) => detail.field))] };
  }
}

const product = { name: 'Kettle', priceCents: 2599 };
const user = { email: 'ada@example.com', name: 'Ada', password: 'correct horse' };
/** `ada@` and a domain of 63-character labels: a local part is capped at 64, the whole address at 254. */
const emailOfLength = (length: number) =>
  `ada@${['a', 'b', 'c'].map((c) => c.repeat(63)).join('.')}.${'d'.repeat(length - 200)}.com`;
const withField = (field: keyof typeof user, value: string) => ({ ...user, [field]: value });

/**
 * Every limit sits where a column or a business rule puts it: the last value the database can store
 * passes, one past it is a 400 naming the field, never a 500 from Postgres. Each row is one edge.
 */
describe('schema limits: one value each side of every edge', () => {
  it.each([
    ['a 200-character product name', { ...product, name: 'n'.repeat(200) }, { ...product, name: 'n'.repeat(200) }],
    ['a 201-character product name', { ...product, name: 'n'.repeat(201) }, { refused: ['name'] }],
    ['a name of spaces only (trimmed to nothing)', { ...product, name: '   ' }, { refused: ['name'] }],
    ['a NUL inside a name', { ...product, name: 'Ket\0tle' }, { refused: ['name'] }],
    ['a NUL at the end of a name', { ...product, name: 'Kettle\0' }, { refused: ['name'] }],
    ['a NUL at the start of a name', { ...product, name: '\0Kettle' }, { refused: ['name'] }],
    ['the price cap', { ...product, priceCents: 100_000_000 }, { ...product, priceCents: 100_000_000 }],
    ['a cent over the price cap', { ...product, priceCents: 100_000_001 }, { refused: ['priceCents'] }],
    ['a free product', { ...product, priceCents: 0 }, { ...product, priceCents: 0 }],
    ['a negative price', { ...product, priceCents: -1 }, { refused: ['priceCents'] }],
    ['a price in fractions of a cent', { ...product, priceCents: 1.5 }, { refused: ['priceCents'] }],
    ['a price sent as text', { ...product, priceCents: '100' }, { refused: ['priceCents'] }],
    ['stock of INT4_MAX', { ...product, stock: INT4_MAX }, { ...product, stock: INT4_MAX }],
    ['stock past INT4_MAX', { ...product, stock: INT4_MAX + 1 }, { refused: ['stock'] }],
    ['negative stock', { ...product, stock: -1 }, { refused: ['stock'] }],
  ])('product: %s', (_edge, input, expected) => {
    expect(outcome(newProductSchema, input)).toEqual(expected);
  });

  it.each([
    ['an email with capitals and spaces', { ...user, email: ' Ada@Example.COM ' }, user],
    ['a 254-character email', withField('email', emailOfLength(254)), 'as sent'],
    ['a 255-character email', withField('email', emailOfLength(255)), { refused: ['email'] }],
    ['an 8-character password', withField('password', '12345678'), 'as sent'],
    ['a 7-character password', { ...user, password: '1234567' }, { refused: ['password'] }],
    ['a 200-character password', withField('password', 'p'.repeat(200)), 'as sent'],
    ['a 201-character password', { ...user, password: 'p'.repeat(201) }, { refused: ['password'] }],
    ['a 100-character user name', withField('name', 'n'.repeat(100)), 'as sent'],
    ['a 101-character user name', { ...user, name: 'n'.repeat(101) }, { refused: ['name'] }],
  ])('user: %s', (_edge, input, expected) => {
    expect(outcome(registerUserSchema, input)).toEqual(expected === 'as sent' ? input : expected);
  });

  it('a rename must rename something: an empty patch is refused', () => {
    expect(outcome(userPatchSchema, {})).toEqual({ refused: ['body'] });
    expect(outcome(userPatchSchema, { name: ' Grace ' })).toEqual({ name: 'Grace' });
  });

  it.each([
    ['no limit (the default page)', {}, { limit: DEFAULT_PAGE_SIZE }],
    ['a limit sent as query text', { limit: '5' }, { limit: 5 }],
    ['a limit of one', { limit: '1' }, { limit: 1 }],
    ['a limit of zero', { limit: '0' }, { refused: ['limit'] }],
    ['the largest page', { limit: String(MAX_PAGE_SIZE) }, { limit: MAX_PAGE_SIZE }],
    ['a page past the largest', { limit: String(MAX_PAGE_SIZE + 1) }, { refused: ['limit'] }],
    ['a cursor of zero', { after: '0' }, { limit: DEFAULT_PAGE_SIZE, after: 0 }],
    ['a negative cursor', { after: '-1' }, { refused: ['after'] }],
    ['a cursor of INT4_MAX', { after: String(INT4_MAX) }, { limit: DEFAULT_PAGE_SIZE, after: INT4_MAX }],
  ])('page: %s', (_edge, input, expected) => {
    expect(outcome(pageSchema, input, 'query')).toEqual(expected);
  });

  it.each([
    ['id 1', { id: '1' }, { id: 1 }],
    ['id 0', { id: '0' }, { refused: ['id'] }],
    ['id INT4_MAX', { id: String(INT4_MAX) }, { id: INT4_MAX }],
    ['id past INT4_MAX', { id: String(INT4_MAX + 1) }, { refused: ['id'] }],
  ])('params: %s', (_edge, input, expected) => {
    expect(outcome(idParamsSchema, input, 'params')).toEqual(expected);
  });

  it('names the NUL, and a body that is not an object by its part', () => {
    expect(() => parseInput(newProductSchema, { ...product, name: 'a\0b' }, 'body')).toThrow(
      expect.objectContaining({ details: [{ field: 'name', message: '"name" must not contain NUL characters' }] }),
    );
    expect(outcome(newProductSchema, 'just text')).toEqual({ refused: ['body'] });
    expect(outcome(pageSchema, 'limit', 'query')).toEqual({ refused: ['query'] });
  });
});
