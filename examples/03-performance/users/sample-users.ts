import type { StoredUser } from './user.js';

/** `count` users with realistic, repetitive JSON (which is what makes gzip pay off). */
export function sampleUsers(count: number): StoredUser[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `User Number ${i + 1}`,
    email: `user${i + 1}@example.com`,
    passwordHash: `$2b$10$${'x'.repeat(22)}${String(i).padStart(31, '0')}`,
  }));
}
