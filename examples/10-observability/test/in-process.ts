import { testServices } from '@cookbook/shared/testing';
import { afterAll, beforeAll, type MockInstance, vi } from 'vitest';
import { type ShopQueues, shopQueuesFromEnv } from '../shop/broker.js';
import type { ShopConfig } from '../shop/services.js';

export interface InProcessWatch {
  /** Every uncaught exception since the file began: each would have ended the service's own process. */
  readonly crashes: Error[];
  /** The JSON lines logged to stdout so far. */
  logged(): Record<string, unknown>[];
}

/**
 * For services started inside the test's process, so that no child has to load tsx and the SDK:
 * records the uncaught exceptions (vitest still reports each) and watches stdout without
 * silencing it. Call it before the hooks that start the services, so it stops watching last.
 */
export function watchInProcess(): InProcessWatch {
  const crashes: Error[] = [];
  const record = (error: Error) => crashes.push(error);
  let stdout: MockInstance | undefined;
  beforeAll(() => {
    process.on('uncaughtExceptionMonitor', record);
    stdout = vi.spyOn(process.stdout, 'write'); // still writes: only watches
  });
  afterAll(() => {
    stdout?.mockRestore();
    process.off('uncaughtExceptionMonitor', record);
  });
  return {
    crashes,
    logged: () =>
      (stdout?.mock.calls ?? [])
        .flatMap(([chunk]) => String(chunk).split('\n'))
        .filter((line) => line.startsWith('{"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/**
 * The config of an order service and email worker that a test runs in process: its own database and
 * broker (or virtual host), the shared Redis, no gateway, and every port left to the OS.
 */
export function inProcessShopConfig(
  { databaseUrl, amqpUrl }: { databaseUrl: string; amqpUrl: string },
  queues: ShopQueues = shopQueuesFromEnv({}), // the default names
): ShopConfig {
  return {
    databaseUrl,
    redisUrl: testServices().redisUrl,
    amqpUrl,
    queues,
    redisPrefix: 'unused:', // no gateway here
    ports: { gateway: 0, orders: 0, metrics: { gateway: 0, orders: 0, 'email-worker': 0 } },
  };
}
