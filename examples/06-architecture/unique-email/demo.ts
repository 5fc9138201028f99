import { randomBytes } from 'node:crypto';
import { recipe, withServer } from '@cookbook/shared';
import { demoTokens } from '../api/demo.js';
import { createServices, type Services } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createHttpApp } from '../app/express-app.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';

/** Sends every body to POST /users at once, through real sockets, on the fixed or the Q&A service. */
export async function postUsers(services: Services, naive: boolean, bodies: object[]): Promise<number[]> {
  const { tokenSecret, admin } = demoTokens();
  const app = createHttpApp({ ...services, ...(naive ? { users: services.naiveUsers } : {}), tokenSecret });
  return withServer(app, (url) =>
    Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(`${url}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    ),
  );
}

/** `1× 201, 19× 409`. */
export function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses.toSorted()) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n}× ${status}`).join(', ');
}

export const uniqueEmailDemo = recipe({
  services: ['postgres'],
  title: 'concurrent registrations of one email',
  lookFor: 'the check lets several through to the index (500s); the fix answers one 201 and 409s',
  async run({ smoke, scratchDatabase, defer, log }) {
    const db = createDatabase(await scratchDatabase('arch_unique'), { poolMax: 5 });
    defer(() => db.close());
    await migrate(db, migrations);
    const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
    const concurrent = smoke ? 6 : 20; // scrypt on two cores: keep the smoke run quick
    for (const naive of [true, false]) {
      const email = `race.${randomBytes(4).toString('hex')}@example.com`;
      const bodies = Array.from({ length: concurrent }, (_, i) => ({
        email,
        name: `Racer ${i}`,
        password: 'correct horse',
      }));
      const label = naive ? 'check-then-insert (Q&A)' : 'unique index → 409     ';
      log(`${concurrent} at once, ${label}  ${tally(await postUsers(services, naive, bodies))}`);
    }
  },
});
