import { recipe } from '@cookbook/shared';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';

export const injectionDemo = recipe({
  services: [],
  title: 'the same UserService on an in-memory repository, no database',
  lookFor: 'no hash in the user, the email normalised, one welcome email: all without Postgres',
  async run({ log }) {
    const outbox = new MemoryOutbox();
    const users = new UserService({
      users: new MemoryUserRepository(),
      hashPassword: async () => 'not-a-real-hash',
      mailer: outbox,
      logger: createMemoryLogger(),
    });
    const user = await users.register({ email: 'Ada@Example.com', name: 'Ada', password: 'correct horse' });
    await users.drain();
    log(`registered ${JSON.stringify(user)}`);
    log(`outbox: ${JSON.stringify(outbox.sent)}`);
  },
});
