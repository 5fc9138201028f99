import { EmailTakenError } from '../errors.js';
import type { RegisterUserInput, User, UserServiceDeps } from './user-service.js';
import { UserService } from './user-service.js';

/** The data access the Q&A's service uses: an existence check and an insert that returns the ORM row. */
export interface NaiveUserStore {
  existsByEmail(email: string): Promise<boolean>;
  createRow(user: { email: string; name: string; passwordHash: string }): Promise<User>;
  findById(id: number): Promise<User | undefined>;
}

// #region naive-user-service
/**
 * The Q&A's UserService, kept as a pitfall. Each override below is one of its defects; the
 * tests run it next to `UserService` under the same load. (Its duplicate-email error is already
 * typed here, so the race shows on its own.)
 */
export class NaiveUserService extends UserService {
  constructor(
    deps: UserServiceDeps,
    private readonly store: NaiveUserStore,
  ) {
    super(deps);
  }

  /** A plain Error: the error handler cannot tell "not found" from a bug, so the client gets a 500. */
  override async getById(id: number): Promise<User> {
    const user = await this.store.findById(id);
    if (!user) throw new Error('User not found');
    return user;
  }

  override async register(input: RegisterUserInput): Promise<User> {
    // Check-then-insert: concurrent requests all pass the check before any of them inserts.
    if (await this.store.existsByEmail(input.email)) throw new EmailTakenError(input.email);
    const passwordHash = await this.deps.hashPassword(input.password);
    // The ORM row carries password_hash; the `User` type does not stop it reaching the response.
    const user = await this.store.createRow({ email: input.email, name: input.name, passwordHash });
    // Awaited: a mailer outage fails a registration whose row is already committed.
    await this.deps.mailer.sendWelcome({ to: user.email, name: user.name });
    return user;
  }
}
// #endregion naive-user-service
