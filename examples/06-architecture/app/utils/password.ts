import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt ships with Node (no native addon to build) and runs on the libuv thread pool, so hashing
// never blocks the event loop. N=2^14, r=8 is the floor OWASP lists; raise N if your hosts allow.
// Stryker disable next-line ObjectLiteral: these are also Node's defaults; spelled out so a raise is one edit
const COST: ScryptOptions = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, COST, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export type PasswordHasher = (password: string) => Promise<string>;

/** `scrypt$<salt>$<key>`, both base64url: self-describing, so the cost can change later. */
export const hashPassword: PasswordHasher = async (password) => {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
