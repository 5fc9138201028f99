import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string | undefined;
    redisUrl: string | undefined;
    amqpUrl: string | undefined;
  }
}

/** The service URLs the global setup resolved for this package's tests. */
export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
  amqpUrl: string;
}

/**
 * Reads the URLs resolved once by the global setup. Asking for a service the package's manifest
 * does not list is a mistake in the test, and says so.
 */
export function testServices(): TestServices {
  const read = (key: keyof TestServices, service: string) => {
    const value = inject(key);
    if (!value) {
      throw new Error(
        `${service} was not resolved for these tests: add "${service}" to cookbook.services in package.json`,
      );
    }
    return value;
  };
  return {
    get databaseUrl() {
      return read('databaseUrl', 'postgres');
    },
    get redisUrl() {
      return read('redisUrl', 'redis');
    },
    get amqpUrl() {
      return read('amqpUrl', 'rabbitmq');
    },
  };
}
