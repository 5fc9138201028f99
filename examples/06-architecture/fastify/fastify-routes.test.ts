import { useTestDatabase } from '@cookbook/shared/testing';
import type { FastifyInstance } from 'fastify';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createServices } from '../app/composition.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { routeCases } from '../test/route-table.js';
import { type Http, httpClient, openMigratedDatabase, TOKEN_SECRET } from '../test/support.js';

const database = useTestDatabase('arch-fastify');
let db: Sequelize | undefined;
let app: FastifyInstance | undefined;
let http: Http;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
  const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
  app = createFastifyApp({ ...services, tokenSecret: TOKEN_SECRET });
  await app.ready();
  http = httpClient(app.server);
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('the same route table through Fastify: the HTTP layer is replaceable', () => {
  for (const routeCase of routeCases) it(routeCase.name, () => routeCase.run(http));
});
