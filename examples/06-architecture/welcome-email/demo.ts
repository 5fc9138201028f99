import { recipe } from '@cookbook/shared';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import type { EmailSender } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { postUsers } from '../unique-email/demo.js';

export const welcomeEmailDemo = recipe({
  services: ['postgres'],
  title: 'the mailer is down during registration',
  lookFor: '500 then 409 for an account that exists; the fix answers 201 and logs the lost email',
  async run({ scratchDatabase, defer, log }) {
    const db = createDatabase(await scratchDatabase('arch_email'), { poolMax: 5 });
    defer(() => db.close());
    await migrate(db, migrations);
    const logger = createMemoryLogger();
    const down: EmailSender = { sendWelcome: () => Promise.reject(new Error('SMTP 421 try later')) };
    const services = createServices({ db, mailer: down, logger });
    const body = { email: 'ada@example.com', name: 'Ada', password: 'correct horse battery' };
    const first = await postUsers(services, true, [body]);
    log(`Q&A (awaits the mailer): first try ${first}, retry ${await postUsers(services, true, [body])}`);
    log(`fix (logs and moves on): ${await postUsers(services, false, [{ ...body, email: 'grace@example.com' }])}`);
    await services.users.drain();
    log(`logged: ${JSON.stringify(logger.entries.find((e) => e.message === 'welcome email failed'))}`);
  },
});
