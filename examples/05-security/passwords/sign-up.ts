import type { Pool } from 'pg';
import type { RegisterInput } from '../schemas/schemas.js';
import { insertUser, insertUserIfNew, type PublicUser } from '../users/users.js';
import type { Mailer, MailMessage } from './mailer.js';
import { DEFAULT_BCRYPT_COST, hashPassword } from './passwords.js';

/** The one answer to every valid sign-up, whether or not the address already has an account. */
export const SIGN_UP_ACCEPTED = { message: 'Check your inbox: we have sent a message to this address.' } as const;

const welcome = (to: string): MailMessage => ({
  to,
  subject: 'Welcome',
  text: 'Your account is ready: log in with the password you chose.',
});

const alreadyRegistered = (to: string): MailMessage => ({
  to,
  subject: 'Someone tried to sign up with your address',
  text: 'You already have an account. If this was you, log in or reset your password; if not, ignore this message.',
});

/**
 * Sign-up that does not tell a stranger which addresses have accounts: both paths hash the
 * password (the slow part) and run one INSERT, and both answer the same; only the owner of the
 * address learns, by mail, which path was taken.
 */
// #region sign-up
export function createSignUp(pool: Pool, mailer: Mailer, cost = DEFAULT_BCRYPT_COST) {
  return async (input: RegisterInput): Promise<void> => {
    const passwordHash = await hashPassword(input.password, cost);
    // ON CONFLICT DO NOTHING: no check-then-insert race, and no timing branch before the hash.
    const created = await insertUserIfNew(pool, { email: input.email, passwordHash, age: input.age });
    await mailer.send(created ? welcome(input.email) : alreadyRegistered(input.email));
  };
}
// #endregion sign-up

/** The usual sign-up: a new address gets its account back (201), a known one a 409 that says so. */
// #region naive-sign-up
export function naiveSignUp(pool: Pool, cost = DEFAULT_BCRYPT_COST) {
  return async (input: RegisterInput): Promise<PublicUser> => {
    const passwordHash = await hashPassword(input.password, cost);
    return insertUser(pool, { email: input.email, passwordHash, age: input.age }); // 409 "email is already registered"
  };
}
// #endregion naive-sign-up
