import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sequelize } from 'sequelize';
import { createServices } from '../composition.js';
import { createDatabase } from '../config/database.js';
import { findLayerViolations, LAYER_RULES } from '../layering.js';
import { migrate, naiveSyncSchema } from '../migrate.js';
import { migrations } from '../migrations/index.js';
import { defineModels } from '../models/index.js';
import { MemoryUserRepository } from '../repositories/memory-user-repository.js';
import { type EmailSender, MemoryOutbox } from '../services/email-sender.js';
import { UserService } from '../services/user-service.js';
import { createMemoryLogger } from '../utils/logger.js';
import { appFor, demoEmail, postUsers, tally, withServer } from './http.js';
import type { ScratchDatabase } from './scratch-database.js';

/** What every in-process demo gets from main.ts. */
export interface DemoContext {
  db: Sequelize;
  heading(title: string): void;
  /** Smoke mode: smaller loads, same code paths. */
  smoke: boolean;
  /** A second empty database, for the migrations demo; undefined on embedded Postgres. */
  scratch(): Promise<ScratchDatabase | undefined>;
}

const say = (line: string) => console.log(line);

export async function layeringDemo({ heading }: DemoContext): Promise<void> {
  heading('layering: who may import whom, checked by reading the imports');
  for (const rule of LAYER_RULES) say(`${rule.layer.padEnd(13)} may not import ${rule.mayNotImport.join(', ')}`);
  const src = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const v of await findLayerViolations(src)) say(`  violation: ${v.file} imports ${v.imports}`);
  say('Look for: the only violations are the Q&A-style singleton kept as the pitfall.');
}

export async function injectionDemo({ heading }: DemoContext): Promise<void> {
  heading('injection: the same UserService on an in-memory repository, no database');
  const outbox = new MemoryOutbox();
  const users = new UserService({
    users: new MemoryUserRepository(),
    hashPassword: async () => 'not-a-real-hash',
    mailer: outbox,
    logger: createMemoryLogger(),
  });
  const user = await users.register({ email: 'Ada@Example.com', name: 'Ada', password: 'correct horse' });
  await users.drain();
  say(`registered ${JSON.stringify(user)}; outbox: ${JSON.stringify(outbox.sent)}`);
  say('Look for: no hash in the user, the email normalised, one welcome email: all without Postgres.');
}

export async function migrationsDemo({ db, heading, scratch }: DemoContext): Promise<void> {
  heading('migrations: ordered SQL files, run by a script, never sync() at startup');
  say(`second run on the demo database applies: ${JSON.stringify(await migrate(db, migrations))}`);
  const older = await scratch();
  if (!older) return say('(embedded Postgres has one database: the sync() comparison needs a real server)');
  const oldDb = createDatabase(older.url, { poolMax: 2 });
  try {
    await migrate(oldDb, migrations, { to: '002-create-products' });
    await naiveSyncSchema(oldDb);
    const error = await defineModels(oldDb)
      .Product.findAll()
      .then(
        () => 'no error',
        (e: Error) => e.message,
      );
    say(`a database from the previous release, after sync(): ${error}`);
    say(`after migrate(): applied ${JSON.stringify(await migrate(oldDb, migrations))}, products query works`);
  } finally {
    await oldDb.close();
    await older.drop();
  }
  say('Look for: sync() leaves an existing table as it was; the migration adds the column.');
}

export async function errorsDemo({ db, heading }: DemoContext): Promise<void> {
  heading('errors: typed errors mapped to HTTP in one place');
  const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
  const show = (label: string, naive: boolean, path: string) =>
    withServer(appFor(services, naive), async (base) => {
      const res = await fetch(`${base}${path}`);
      say(`${label.padEnd(36)} ${res.status} ${await res.text()}`);
    });
  await show('GET /users/424242 (typed error)', false, '/users/424242');
  await show('GET /users/424242 (Q&A plain Error)', true, '/users/424242');
  await show('GET /users?limit=500', false, '/users?limit=500');
  say('Look for: 404 vs 500 for the same missing user; 400 naming the field; a requestId in every error.');
}

export async function uniqueEmailDemo({ db, heading, smoke }: DemoContext): Promise<void> {
  const concurrent = smoke ? 6 : 20; // scrypt on two cores: keep the smoke run quick
  heading(`unique-email: ${concurrent} concurrent registrations of one email`);
  const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
  for (const naive of [true, false]) {
    const address = demoEmail('race');
    const bodies = Array.from({ length: concurrent }, (_, i) => ({
      email: address,
      name: `Racer ${i}`,
      password: 'correct horse battery',
    }));
    say(
      `${naive ? 'check-then-insert (Q&A)' : 'unique index → 409    '}  ${tally(await postUsers(services, naive, bodies))}`,
    );
  }
  say('Look for: the check lets several through to the index (500s); the fix answers one 201 and 409s.');
}

export async function welcomeEmailDemo({ db, heading }: DemoContext): Promise<void> {
  heading('welcome-email: the mailer is down during registration');
  const logger = createMemoryLogger();
  const down: EmailSender = { sendWelcome: () => Promise.reject(new Error('SMTP 421 try later')) };
  const services = createServices({ db, mailer: down, logger });
  const address = demoEmail('mail');
  const body = { email: address, name: 'Ada', password: 'correct horse battery' };
  say(
    `Q&A (awaits the mailer): first try ${await postUsers(services, true, [body])}, retry ${await postUsers(services, true, [body])}`,
  );
  say(`fix (logs and moves on): ${await postUsers(services, false, [{ ...body, email: demoEmail('mail') }])}`);
  await services.users.drain();
  say(`logged: ${JSON.stringify(logger.entries.filter((e) => e.message === 'welcome email failed').at(-1))}`);
  say('Look for: 500 then 409 for an account that exists; the fix answers 201 and logs the lost email.');
}
