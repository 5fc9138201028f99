// #region singleton
// The Q&A's wiring, kept as a pitfall: the module builds its own collaborators and exports one
// instance. Importing it reads the environment and opens a connection pool; every importer in the
// process shares that one instance and its database, and nothing can hand it a fake mailer or
// another repository short of mocking the module system. The layering test flags each import
// below: a service reaching for config, models and a concrete repository.
import { createDatabase } from '../config/database.js';
import { loadConfig } from '../config/environment.js';
import { defineModels } from '../models/index.js';
import { SequelizeUserRepository } from '../repositories/user-repository.js';
import { createLogger } from '../utils/logger.js';
import { hashPassword } from '../utils/password.js';
import { ConsoleEmailSender } from './email-sender.js';
import { UserService } from './user-service.js';

const logger = createLogger();
/** Exported only so that a process can close it; no caller chooses it. */
export const singletonDatabase = createDatabase(loadConfig().databaseUrl);

export const singletonUserService = new UserService({
  users: new SequelizeUserRepository(defineModels(singletonDatabase).User),
  hashPassword,
  mailer: new ConsoleEmailSender(logger),
  logger,
});
// #endregion singleton
