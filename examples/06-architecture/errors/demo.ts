import { recipe, withServer } from '@cookbook/shared';
import { demoTokens } from '../api/demo.js';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createHttpApp } from '../app/express-app.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';

export const errorsDemo = recipe({
  services: ['postgres'],
  title: 'typed errors mapped to HTTP in one place',
  lookFor: '404 against 500 for the same missing user; 400 naming the field; a requestId in every error',
  async run({ scratchDatabase, defer, log }) {
    const db = createDatabase(await scratchDatabase('arch_errors'), { poolMax: 2 });
    defer(() => db.close());
    await migrate(db, migrations);
    const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
    const { tokenSecret, user } = demoTokens();
    const show = (label: string, naive: boolean, path: string) =>
      withServer(
        createHttpApp({ ...services, ...(naive ? { users: services.naiveUsers } : {}), tokenSecret }),
        async (url) => {
          const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${user}` } });
          log(`${label.padEnd(36)} ${res.status} ${await res.text()}`);
        },
      );
    await show('GET /users/424242 (typed error)', false, '/users/424242');
    await show('GET /users/424242 (Q&A plain Error)', true, '/users/424242');
    await show('GET /users?limit=500', false, '/users?limit=500');
  },
});
