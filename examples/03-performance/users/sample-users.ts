/** The public shape of a user in API responses. */
export interface PublicUser {
  id: number;
  name: string;
  email: string;
}

/** A user as stored: with fields that must never leave the server. */
export interface StoredUser extends PublicUser {
  passwordHash: string;
}

/** `count` users with realistic, repetitive JSON (which is what makes gzip pay off). */
export function sampleUsers(count: number): StoredUser[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `User Number ${i + 1}`,
    email: `user${i + 1}@example.com`,
    passwordHash: `$2b$10$${'x'.repeat(22)}${String(i).padStart(31, '0')}`,
  }));
}

/** Strips what a client must not see; handlers call it before serializing. */
export function toPublicUser({ id, name, email }: StoredUser): PublicUser {
  return { id, name, email };
}
