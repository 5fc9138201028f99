import { Op, UniqueConstraintError } from 'sequelize';
import { EmailTakenError } from '../errors.js';
import type { UserModel, UserRow } from '../models/user.js';
import type { User, UserPatch, UserRepository } from '../services/user-service.js';
import { type Page, type PageRequest, toPage } from '../utils/pagination.js';

// #region user-repository
/** Columns that may leave this layer; `password_hash` is read only where a password is checked. */
const PUBLIC_COLUMNS = ['id', 'email', 'name', 'createdAt'] as const;

/** Copies the public fields into a plain object: no ORM instance, no hash, no lazy surprises. */
function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.createdAt };
}

export class SequelizeUserRepository implements UserRepository {
  constructor(private readonly User: UserModel) {}

  async create(user: { email: string; name: string; passwordHash: string }): Promise<User> {
    try {
      return toUser(await this.User.create(user));
    } catch (error) {
      // The unique index is the arbiter of "email taken"; translate its verdict into the domain's words.
      if (error instanceof UniqueConstraintError) throw new EmailTakenError(user.email);
      throw error;
    }
  }

  async findById(id: number): Promise<User | undefined> {
    const row = await this.User.findByPk(id, { attributes: [...PUBLIC_COLUMNS] });
    return row ? toUser(row) : undefined;
  }

  async list({ limit, after = 0 }: PageRequest): Promise<Page<User>> {
    const rows = await this.User.findAll({
      attributes: [...PUBLIC_COLUMNS],
      where: { id: { [Op.gt]: after } },
      order: [['id', 'ASC']],
      limit: limit + 1,
    });
    return toPage(rows.map(toUser), limit);
  }

  async update(id: number, patch: UserPatch): Promise<User | undefined> {
    // RETURNING hands back the updated rows: none means no such user.
    const [, [row]] = await this.User.update(patch, { where: { id }, returning: true });
    return row ? toUser(row) : undefined;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.User.destroy({ where: { id } })) > 0;
  }
}
// #endregion user-repository
