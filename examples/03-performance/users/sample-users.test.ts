import { describe, expect, it } from 'vitest';
import { sampleUsers } from './sample-users.js';

/** The shape of a bcrypt hash: `$2b$`, the cost, then 53 characters of salt and digest. */
const BCRYPT_HASH = /^\$2b\$10\$[./A-Za-z0-9]{53}$/;

describe('sample users', () => {
  it('numbers the users from 1, and each name and email carries its id', () => {
    const users = sampleUsers(1000);
    expect(users.map((user) => user.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const user of users) {
      expect(user.name).toBe(`User Number ${user.id}`);
      expect(user.email).toBe(`user${user.id}@example.com`);
    }
  });

  it('gives every user a distinct hash of bcrypt length, the field fast-json must strip', () => {
    const hashes = sampleUsers(1000).map((user) => user.passwordHash);
    for (const hash of hashes) expect(hash).toMatch(BCRYPT_HASH);
    expect(new Set(hashes).size).toBe(1000);
  });
});
