/** A user as clients see it: the fields an API may return. */
export interface User {
  id: number;
  name: string;
  email: string;
}

/** A user as stored: with fields that must never leave the server. */
export interface StoredUser extends User {
  passwordHash: string;
}

/** Strips what a client must not see; handlers call it before serializing. */
export function toPublicUser({ id, name, email }: StoredUser): User {
  return { id, name, email };
}
