import { isMain, runRecipes } from '@cookbook/shared';
import { apiDemo } from '../api/demo.js';
import { errorsDemo } from '../errors/demo.js';
import { fastifyDemo } from '../fastify/demo.js';
import { injectionDemo } from '../injection/demo.js';
import { layeringDemo } from '../layering/demo.js';
import { migrationsDemo } from '../migrations/demo.js';
import { uniqueEmailDemo } from '../unique-email/demo.js';
import { welcomeEmailDemo } from '../welcome-email/demo.js';

export const recipes = {
  api: apiDemo,
  fastify: fastifyDemo,
  layering: layeringDemo,
  injection: injectionDemo,
  migrations: migrationsDemo,
  errors: errorsDemo,
  'unique-email': uniqueEmailDemo,
  'welcome-email': welcomeEmailDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
