import { EmailTakenError } from '../errors.js';
import type { User, UserPatch, UserRepository } from '../services/user-service.js';
import { type Page, type PageRequest, toPage } from '../utils/pagination.js';

/**
 * The same port over a Map: what service unit tests and the injection demo pass in. It keeps the
 * contract that matters to the service (duplicate email → `EmailTakenError`), nothing more.
 */
export class MemoryUserRepository implements UserRepository {
  private readonly rows = new Map<number, User & { passwordHash: string }>();
  private nextId = 1;

  async create(user: { email: string; name: string; passwordHash: string }): Promise<User> {
    for (const row of this.rows.values()) if (row.email === user.email) throw new EmailTakenError(user.email);
    const row = { ...user, id: this.nextId++, createdAt: new Date() };
    this.rows.set(row.id, row);
    return publicUser(row);
  }

  async findById(id: number): Promise<User | undefined> {
    const row = this.rows.get(id);
    return row && publicUser(row);
  }

  async list({ limit, after = 0 }: PageRequest): Promise<Page<User>> {
    // Stryker disable next-line MethodExpression: toPage reads only the first limit + 1 rows; the slice spares the copy
    const rows = [...this.rows.values()].filter((row) => row.id > after).slice(0, limit + 1);
    return toPage(rows.map(publicUser), limit);
  }

  async update(id: number, patch: UserPatch): Promise<User | undefined> {
    const row = this.rows.get(id);
    if (!row) return undefined;
    Object.assign(row, patch);
    return publicUser(row);
  }

  async delete(id: number): Promise<boolean> {
    return this.rows.delete(id);
  }
}

function publicUser({ id, email, name, createdAt }: User): User {
  return { id, email, name, createdAt };
}
