import { NotFoundError } from '../errors.js';
import type { Logger } from '../utils/logger.js';
import type { Page, PageRequest } from '../utils/pagination.js';
import type { PasswordHasher } from '../utils/password.js';
import type { EmailSender } from './email-sender.js';

/** What leaves the service: no password hash, ever. */
export interface User {
  id: number;
  email: string;
  name: string;
  createdAt: Date;
}

export interface RegisterUserInput {
  email: string;
  name: string;
  password: string;
}

export interface UserPatch {
  name?: string;
}

// #region user-repository-port
/**
 * The port the service needs, declared here by its consumer. The Sequelize repository and the
 * in-memory one both implement it; the service never learns which one it got.
 */
export interface UserRepository {
  /** Throws `EmailTakenError` when the email exists: the database's unique index decides. */
  create(user: { email: string; name: string; passwordHash: string }): Promise<User>;
  findById(id: number): Promise<User | undefined>;
  list(page: PageRequest): Promise<Page<User>>;
  update(id: number, patch: UserPatch): Promise<User | undefined>;
  delete(id: number): Promise<boolean>;
}
// #endregion user-repository-port

export interface UserServiceDeps {
  users: UserRepository;
  hashPassword: PasswordHasher;
  mailer: EmailSender;
  logger: Logger;
}

// #region user-service
export class UserService {
  /** Welcome emails still being sent, so shutdown can wait for them. */
  private readonly sending = new Set<Promise<void>>();

  constructor(protected readonly deps: UserServiceDeps) {}

  /**
   * No "does this email exist?" query first: two requests can both pass such a check. The insert
   * is the check; the repository turns the unique violation into `EmailTakenError` (409).
   */
  async register(input: RegisterUserInput): Promise<User> {
    const passwordHash = await this.deps.hashPassword(input.password);
    const user = await this.deps.users.create({
      email: input.email.trim().toLowerCase(),
      name: input.name,
      passwordHash,
    });
    this.sendWelcome(user);
    return user;
  }

  async getById(id: number): Promise<User> {
    const user = await this.deps.users.findById(id);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  list(page: PageRequest): Promise<Page<User>> {
    return this.deps.users.list(page);
  }

  async update(id: number, patch: UserPatch): Promise<User> {
    const user = await this.deps.users.update(id, patch);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  async remove(id: number): Promise<void> {
    if (!(await this.deps.users.delete(id))) throw new NotFoundError('User', id);
  }

  /** Welcome emails not yet sent or failed: what a shutdown log says it is waiting for. */
  get pendingWelcomes(): number {
    return this.sending.size;
  }

  /** Resolves when every welcome email started so far has been sent or has failed. */
  async drain(): Promise<void> {
    await Promise.all(this.sending);
  }

  /**
   * The account exists once the insert commits; a mailer outage must not turn that into an
   * error the client would retry (and then get 409 for). The cost: if the send fails or the
   * process dies first, the email is lost, and only the log says so.
   */
  private sendWelcome(user: User): void {
    // Through a promise, so even a mailer that throws synchronously cannot fail the request.
    const sending = Promise.resolve()
      .then(() => this.deps.mailer.sendWelcome({ to: user.email, name: user.name }))
      .catch((error: unknown) =>
        this.deps.logger.error('welcome email failed', { userId: user.id, error: String(error) }),
      )
      .finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }
}
// #endregion user-service
