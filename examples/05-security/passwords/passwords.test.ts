import { median } from '@cookbook/shared/bench';
import bcrypt from 'bcrypt';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_BCRYPT_COST, useUsersDatabase } from '../test/support.js';
import { insertUser } from '../users/users.js';
import {
  createCredentialCheck,
  DEFAULT_BCRYPT_COST,
  hashPassword,
  naiveCredentialCheck,
  naiveHashPassword,
  PasswordTooLongError,
  type VerifyCredentials,
} from './passwords.js';

const db = useUsersDatabase('passwords');

/**
 * The timing tests use cost 10 (≈60 ms a compare) rather than production's 12 (≈250 ms) to
 * stay fast. The property they check holds at any cost where bcrypt dwarfs the user query
 * (≈1 ms): the fix runs one compare either way, the naive check skips it for unknown emails.
 */
const TIMING_COST = 10;
const SAMPLES = 9;

async function elapsed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Times an unknown-email login and a wrong-password login back to back, so both meet the same
 * load from whatever else runs on the machine, and returns the median of those pair ratios.
 */
async function unknownOverWrongPassword(verify: VerifyCredentials): Promise<number> {
  const ratios: number[] = [];
  await verify('warmup@example.com', 'warm-up-password');
  for (let i = 0; i < SAMPLES; i++) {
    const unknown = await elapsed(() => verify(`nobody-${i}@example.com`, 'guess-password'));
    const wrong = await elapsed(() => verify('timing@example.com', 'guess-password'));
    ratios.push(unknown / wrong);
  }
  return median(ratios);
}

beforeAll(async () => {
  const passwordHash = await hashPassword('correct horse battery', TIMING_COST);
  await insertUser(db.pool, { email: 'timing@example.com', passwordHash });
});

describe('passwords: hashing', () => {
  it('uses cost 12 by default, salted per hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).toMatch(/^\$2b\$12\$/);
    expect(a).not.toBe(b);
    expect(DEFAULT_BCRYPT_COST).toBe(12);
  });

  it('naive hashing silently ignores everything after byte 72', async () => {
    const prefix = 'a'.repeat(72);
    const hash = await naiveHashPassword(`${prefix}the real ending`, FAST_BCRYPT_COST);
    expect(await bcrypt.compare(`${prefix}a completely different ending`, hash)).toBe(true);
  });

  it('the fix refuses a password longer than 72 bytes instead of truncating it', async () => {
    await expect(hashPassword(`${'a'.repeat(72)}b`, FAST_BCRYPT_COST)).rejects.toBeInstanceOf(PasswordTooLongError);
    // 40 characters but 80 bytes: the limit is on UTF-8 bytes, not characters.
    await expect(hashPassword('é'.repeat(40), FAST_BCRYPT_COST)).rejects.toBeInstanceOf(PasswordTooLongError);
    await expect(hashPassword('a'.repeat(72), FAST_BCRYPT_COST)).resolves.toMatch(/^\$2b\$/);
  });

  it('says why it refuses, in words a caller can pass on', () => {
    expect(new PasswordTooLongError().message).toBe('password is longer than 72 bytes; bcrypt would ignore the rest');
  });
});

describe('passwords: login timing does not reveal which emails exist', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const verify = createCredentialCheck(db.pool, TIMING_COST);
    expect(await verify('timing@example.com', 'correct horse battery')).toMatchObject({ email: 'timing@example.com' });
    expect(await verify('timing@example.com', 'wrong')).toBeUndefined();
    expect(await verify('nobody@example.com', 'correct horse battery')).toBeUndefined();
  });

  it('naive: checks the password right; what it gets wrong is only the time it takes', async () => {
    const verify = naiveCredentialCheck(db.pool);
    expect(await verify('timing@example.com', 'correct horse battery')).toMatchObject({ email: 'timing@example.com' });
    expect(await verify('timing@example.com', 'wrong')).toBeUndefined();
    expect(await verify('nobody@example.com', 'correct horse battery')).toBeUndefined();
  });

  it('a dummy hash that fails is not an unhandled rejection: the first unknown email gets the error', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // bcrypt reads a string cost as a salt, and refuses this one.
      const verify = createCredentialCheck(db.pool, 'not a cost' as unknown as number);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
      await expect(verify('nobody@example.com', 'a guess')).rejects.toThrow(/Invalid salt/);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('naive: an unknown email answers many times faster than a wrong password', async () => {
    const ratio = await unknownOverWrongPassword(naiveCredentialCheck(db.pool));
    // Measured ≈0.02 (one ~1 ms query against a query plus a ~60 ms compare).
    expect(ratio, `unknown/wrong = ${ratio}`).toBeLessThan(0.35);
  });

  it('fixed: both take about as long (one bcrypt compare each)', async () => {
    const ratio = await unknownOverWrongPassword(createCredentialCheck(db.pool, TIMING_COST));
    // Wide, for a loaded 2-core machine; the naive check sits near 0.01, far outside it.
    expect(ratio, `unknown/wrong = ${ratio}`).toBeGreaterThan(0.5);
    expect(ratio, `unknown/wrong = ${ratio}`).toBeLessThan(2);
  });

  it('a dummy hash cheaper than the real ones leaks again', async () => {
    // Users were hashed at cost 10; a cost-4 dummy makes unknown emails ~60x cheaper to check.
    const ratio = await unknownOverWrongPassword(createCredentialCheck(db.pool, FAST_BCRYPT_COST));
    expect(ratio, `unknown/wrong = ${ratio}`).toBeLessThan(0.35);
  });
});
