import type { UserModel } from '../models/user.js';
import type { NaiveUserStore } from '../services/naive-user-service.js';
import type { User } from '../services/user-service.js';

// #region naive-user-repository
/** The Q&A's repository: `findById` hides the hash, but `create` hands back the whole row. */
export class NaiveUserRepository implements NaiveUserStore {
  constructor(private readonly User: UserModel) {}

  async existsByEmail(email: string): Promise<boolean> {
    return (await this.User.count({ where: { email } })) > 0;
  }

  async createRow(user: { email: string; name: string; passwordHash: string }): Promise<User> {
    // Every column, hash included, typed as `User`: TypeScript checks what is there, not what is extra.
    return (await this.User.create(user)).toJSON();
  }

  async findById(id: number): Promise<User | undefined> {
    const row = await this.User.findByPk(id, { attributes: { exclude: ['passwordHash'] } });
    return row?.toJSON();
  }
}
// #endregion naive-user-repository
