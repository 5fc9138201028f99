// Compile-time checks of `recipe()`: `pnpm typecheck` fails if `context.urls` stops being typed by
// the services a recipe declares.
import { recipe } from '../src/recipes.js';

export const typed = recipe({
  services: ['postgres', 'redis'],
  title: 'typed',
  lookFor: 'nothing',
  async run({ urls }) {
    const database: string = urls.databaseUrl;
    const redis: string = urls.redisUrl;
    // @ts-expect-error: RabbitMQ was not declared, so it has no URL here
    const broker: string = urls.amqpUrl;
    void [database, redis, broker];
  },
});
