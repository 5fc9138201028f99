import Joi from 'joi';

/** What a user may be; a token's `role` claim must be one of these. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** bcrypt only reads the first 72 bytes of a password; everything after is silently ignored. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

// #region password-rule
/**
 * Counts UTF-8 bytes, not characters: 72 'é' are 72 characters but 144 bytes, and bcrypt
 * would ignore half of them. Rejecting is clearer than pre-hashing (which needs its own
 * encoding care and makes the hash format non-standard).
 */
const password = Joi.string()
  .min(8)
  .custom((value: string, helpers) =>
    // Stryker disable next-line StringLiteral: utf8 is byteLength's default; named for the reader
    Buffer.byteLength(value, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES ? helpers.error('password.tooLong') : value,
  )
  .messages({ 'password.tooLong': `"password" must be at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes in UTF-8` });
// #endregion password-rule

// #region schemas
const email = Joi.string().trim().lowercase().email().max(254);

export const registerSchema = Joi.object({
  email: email.required(),
  password: password.required(),
  // strict(): JSON already has numbers, so "30" is a client bug to report, not to coerce.
  age: Joi.number().integer().min(13).max(120).strict(),
});

// The same byte rule at login: a 73-byte password must not match on its first 72 bytes.
export const loginSchema = Joi.object({
  email: email.required(),
  password: password.required(),
});

// Query strings are always text, so here conversion to a number is exactly what is meant.
export const userLookupSchema = Joi.object({
  id: Joi.number().integer().min(1).max(2_147_483_647).required(),
});
// #endregion schemas

export interface RegisterInput {
  email: string;
  password: string;
  age?: number;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface UserLookupInput {
  id: number;
}
