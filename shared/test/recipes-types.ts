// Compile-time checks of `recipe()`: `pnpm typecheck` fails if `context.urls` stops being typed by
// the services a recipe declares.
import { recipe } from '../src/recipes.js';
import { resolveServices } from '../src/resolve-service.js';
import type { ServiceName } from '../src/services.js';

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

export const everything = recipe({
  services: ['postgres', 'redis', 'rabbitmq'],
  title: 'all three',
  lookFor: 'nothing',
  async run({ urls }) {
    // Declaring every service must still give every URL as a string, not an optional one.
    const all: string[] = [urls.databaseUrl, urls.redisUrl, urls.amqpUrl];
    void all;
  },
});

export async function dynamicList(names: ServiceName[]): Promise<void> {
  const services = await resolveServices(names);
  // @ts-expect-error: a list known only at run time may lack Postgres
  const url: string = services.databaseUrl;
  void url;
}
