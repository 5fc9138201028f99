import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { Pool } from 'pg';
import { BCRYPT_MAX_PASSWORD_BYTES } from '../schemas/schemas.js';
import { type Credentials, findCredentials } from '../users/users.js';

/** Each +1 doubles the work; 12 costs about a quarter of a second per hash on a small server core. */
export const DEFAULT_BCRYPT_COST = 12;

export class PasswordTooLongError extends Error {
  constructor() {
    super(`password is longer than ${BCRYPT_MAX_PASSWORD_BYTES} bytes; bcrypt would ignore the rest`);
  }
}

/** Refuses what bcrypt would truncate, even if a caller skipped the request schema. */
// #region hash
export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  // Bytes of UTF-8 (byteLength's default), not characters: 'é' is two.
  if (Buffer.byteLength(password) > BCRYPT_MAX_PASSWORD_BYTES) throw new PasswordTooLongError();
  return bcrypt.hash(password, cost);
}
// #endregion hash

/** The Q&A's hashing: bcrypt silently keeps only the first 72 bytes. */
export function naiveHashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

export type VerifyCredentials = (email: string, password: string) => Promise<Credentials | undefined>;

/**
 * Checks an email/password pair in the same time whether or not the email exists: an
 * unknown email is compared against a dummy hash made at the same cost, so the slow part
 * (bcrypt) always runs once and the response time does not tell an attacker which emails
 * have accounts.
 */
// #region verify
export function createCredentialCheck(pool: Pool, cost = DEFAULT_BCRYPT_COST): VerifyCredentials {
  const dummyHash = bcrypt.hash(randomBytes(16).toString('hex'), cost);
  // Nobody awaits it until the first unknown email; do not let a failure go unhandled.
  dummyHash.catch(() => {});
  return async (email, password) => {
    const user = await findCredentials(pool, email);
    const matches = await bcrypt.compare(password, user?.passwordHash ?? (await dummyHash));
    return user && matches ? user : undefined;
  };
}
// #endregion verify

/** The Q&A's login: returns at once for an unknown email, ~a bcrypt compare sooner. */
// #region naive-verify
export function naiveCredentialCheck(pool: Pool): VerifyCredentials {
  return async (email, password) => {
    const user = await findCredentials(pool, email);
    if (!user) return undefined;
    return (await bcrypt.compare(password, user.passwordHash)) ? user : undefined;
  };
}
// #endregion naive-verify
