import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createApp } from '../src/app.js';
import { MemoryOutbox } from '../src/services/email-sender.js';
import { createMemoryLogger } from '../src/utils/logger.js';
import { routeCases } from './route-table.js';
import { type Http, httpClient, openMigratedDatabase } from './support.js';

const database = useTestDatabase('arch-express');
let db: Sequelize | undefined;
let http: Http;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
  http = httpClient(createApp({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() }));
});
afterAll(async () => {
  await db?.close();
});

describe('the Express edge over the whole stack, on a fresh database', () => {
  for (const routeCase of routeCases) it(routeCase.name, () => routeCase.run(http));
});
