import Joi from 'joi';
import { ValidationError } from '../errors.js';
import type { NewProduct } from '../services/product-service.js';
import type { RegisterUserInput, UserPatch } from '../services/user-service.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from '../utils/pagination.js';

// #region schemas
/** Postgres `integer`: a larger number is not a bad request to the database but a 500 from it. */
export const INT4_MAX = 2_147_483_647;

/** Text that fits its varchar column and that Postgres can store (it refuses NUL in text). */
const text = (max: number) =>
  Joi.string() // refuses '' by itself, so trimmed blanks are refused too
    .trim()
    .max(max)
    .pattern(/^[^\0]*$/)
    .messages({ 'string.pattern.base': '{{#label}} must not contain NUL characters' });

/** Shapes of what clients send, checked at the edge so services receive only clean, typed input. */
export const newProductSchema = Joi.object<NewProduct>({
  name: text(200).required(), // products.name varchar(200)
  // strict(): a JSON body already has numbers; "100" is a client bug to report, not to coerce.
  // price_cents and stock are `integer CHECK (>= 0)`; the price also has a business cap.
  priceCents: Joi.number().integer().min(0).max(100_000_000).strict().required(),
  stock: Joi.number().integer().min(0).max(INT4_MAX).strict(),
});
// #endregion schemas

export const registerUserSchema = Joi.object<RegisterUserInput>({
  email: Joi.string().trim().lowercase().email().max(254).required(),
  name: text(100).required(), // users.name varchar(100)
  password: Joi.string().min(8).max(200).required(), // hashed, never stored as given
});

export const userPatchSchema = Joi.object<UserPatch>({
  name: text(100),
}).min(1);

/** Query strings are text, so converting "20" to 20 is what is meant here. */
export const pageSchema = Joi.object<PageRequest>({
  limit: Joi.number().integer().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  after: Joi.number().integer().min(0).max(INT4_MAX), // compared with an integer id
});

export const idParamsSchema = Joi.object<{ id: number }>({
  id: Joi.number().integer().min(1).max(INT4_MAX).required(),
});

export type RequestPart = 'body' | 'query' | 'params';

const prepared = new WeakMap<Joi.ObjectSchema, Joi.ObjectSchema>();

/**
 * The schema with the options bound once: options passed to `validate()` are merged into Joi's
 * defaults on every call, options bound with `prefs()` are merged once and cached by Joi.
 */
function withOptions<T>(schema: Joi.ObjectSchema<T>): Joi.ObjectSchema<T> {
  let bound = prepared.get(schema);
  // Stryker disable next-line ConditionalExpression: binding again on every call gives the same answers, only slower
  if (!bound) {
    bound = schema.prefs({ abortEarly: false, stripUnknown: true });
    // Stryker disable next-line CallExpression: as above, an uncached schema is bound again: same answers
    prepared.set(schema, bound);
  }
  return bound as Joi.ObjectSchema<T>;
}

// #region parse-input
/**
 * Framework-neutral, so Express and Fastify validate identically. Reports every failing field
 * and drops unknown ones (a client cannot smuggle `passwordHash` or `id` into a create).
 */
export function parseInput<T>(schema: Joi.ObjectSchema<T>, input: unknown, part: RequestPart): T {
  // A missing or non-JSON body is validated as {} so that "required" rules still fire.
  const { error, value } = withOptions(schema).validate(input ?? {});
  if (error) {
    throw new ValidationError(
      error.details.map((detail) => ({ field: detail.path.join('.') || part, message: detail.message })),
    );
  }
  return value;
}
// #endregion parse-input
