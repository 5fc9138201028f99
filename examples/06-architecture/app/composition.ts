import type { Sequelize } from 'sequelize';
import { defineModels } from './models/index.js';
import { translateOutages } from './repositories/database-outage.js';
import { NaiveUserRepository } from './repositories/naive-user-repository.js';
import { SequelizeProductRepository } from './repositories/product-repository.js';
import { SequelizeUserRepository } from './repositories/user-repository.js';
import { ConsoleEmailSender, type EmailSender } from './services/email-sender.js';
import { NaiveUserService } from './services/naive-user-service.js';
import { ProductService } from './services/product-service.js';
import { UserService } from './services/user-service.js';
import { createLogger, type Logger } from './utils/logger.js';
import { hashPassword, type PasswordHasher } from './utils/password.js';

export interface ServiceDeps {
  db: Sequelize;
  mailer?: EmailSender;
  logger?: Logger;
  hashPassword?: PasswordHasher;
}

export interface Services {
  users: UserService;
  products: ProductService;
  /** The Q&A's version, wired beside the real one so tests and the demo can serve either. */
  naiveUsers: NaiveUserService;
  logger: Logger;
}

/** What an HTTP edge serves: the services it calls and the secret its access tokens are signed with. */
export interface Edge extends Pick<Services, 'users' | 'products' | 'logger'> {
  tokenSecret: string;
}

// #region composition-root
/**
 * The composition root: the one function that knows every concrete class. Everything else gets
 * its collaborators through its constructor, so a test swaps any of them by passing another.
 * Each repository is wrapped once here, so a database outage reaches the services as the
 * domain's UnavailableError (a 503 at the edge) from every method.
 */
export function createServices(deps: ServiceDeps): Services {
  const logger = deps.logger ?? createLogger();
  const models = defineModels(deps.db);
  const userDeps = {
    users: translateOutages(new SequelizeUserRepository(models.User)),
    hashPassword: deps.hashPassword ?? hashPassword,
    mailer: deps.mailer ?? new ConsoleEmailSender(logger),
    logger,
  };
  return {
    users: new UserService(userDeps),
    products: new ProductService(translateOutages(new SequelizeProductRepository(models.Product))),
    naiveUsers: new NaiveUserService(userDeps, translateOutages(new NaiveUserRepository(models.User))),
    logger,
  };
}
// #endregion composition-root
