// #region singleton
// The Q&A's wiring, kept as a pitfall: the module builds its own collaborators and exports one
// instance. Importing it reads the environment and builds a connection pool; a test cannot hand
// it a fake repository or its own database without mocking the module system. The layering
// test flags each import below: a service reaching for config, models and a concrete repository.
import { createDatabase } from '../config/database.js';
import { defineModels } from '../models/index.js';
import { SequelizeUserRepository } from '../repositories/user-repository.js';
import { createLogger } from '../utils/logger.js';
import { hashPassword } from '../utils/password.js';
import { ConsoleEmailSender } from './email-sender.js';
import { UserService } from './user-service.js';

const logger = createLogger();
const db = createDatabase(process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres');

export const singletonUserService = new UserService({
  users: new SequelizeUserRepository(defineModels(db).User),
  hashPassword,
  mailer: new ConsoleEmailSender(logger),
  logger,
});
// #endregion singleton
