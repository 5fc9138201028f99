import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createApp } from '../app/express-app.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { routeCases } from '../test/route-table.js';
import { type Http, httpClient, openMigratedDatabase, TOKEN_SECRET } from '../test/support.js';

const database = useTestDatabase('arch-express');
let db: Sequelize | undefined;
let http: Http;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
  http = httpClient(
    createApp({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger(), tokenSecret: TOKEN_SECRET }),
  );
});
afterAll(async () => {
  await db?.close();
});

describe('the Express edge over the whole stack, on a fresh database', () => {
  for (const routeCase of routeCases) it(routeCase.name, () => routeCase.run(http));
});
