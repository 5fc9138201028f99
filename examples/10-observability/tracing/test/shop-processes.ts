import { type Fixture, spawnFixture } from '@cookbook/shared/testing';

export interface ShopProcess {
  name: string;
  fixture: Fixture;
  url: string | undefined;
  metricsUrl: string;
}

const START = new URL('../../shop/start.ts', import.meta.url);
const REGISTER = new URL('../register.ts', import.meta.url);

/**
 * One shop service in its own process, started the way production starts it:
 * `node --import tsx --import ./tracing/register.ts shop/start.ts <service>`, so tracing is on
 * before the first app import.
 */
export async function startShopProcess(service: string, env: NodeJS.ProcessEnv): Promise<ShopProcess> {
  const fixture = spawnFixture(START, {
    args: [service],
    imports: [REGISTER],
    env: {
      OTEL_SERVICE_NAME: service,
      OTEL_BSP_SCHEDULE_DELAY: '100', // batches leave within 100 ms, not the default 5 s
      GATEWAY_PORT: '0',
      ORDERS_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      ORDERS_METRICS_PORT: '0',
      EMAIL_WORKER_METRICS_PORT: '0',
      ...env,
    },
  });
  const [line] = await fixture.waitForLine(/^\{"service":.*\}$/, 60_000);
  const { url, metricsUrl } = JSON.parse(line) as { url?: string; metricsUrl: string };
  return { name: service, fixture, url, metricsUrl };
}

/** SIGTERM, then the exit code: a clean shutdown flushes its spans and exits 0. */
export async function stopShopProcess(process: ShopProcess): Promise<number | null> {
  process.fixture.child.kill('SIGTERM');
  return process.fixture.exited;
}
