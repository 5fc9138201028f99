import type { Fixture } from '@cookbook/shared/testing';
import { logEntries } from '../../test/captured-log.js';
import { spawnService } from '../../test/spawn-service.js';

export interface TracedService {
  fixture: Fixture;
  url: string;
  metricsUrl: string;
}

const register = new URL('../register.ts', import.meta.url);

/**
 * The service with the demo routes (test/serve.ts) in its own process, with the telemetry entry
 * loaded by `--import` before it, as pm2 and the image run the compiled one.
 */
export async function startTracedService(vars: NodeJS.ProcessEnv): Promise<TracedService> {
  const fixture = spawnService(
    new URL('../../test/serve.ts', import.meta.url),
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DRAIN_DELAY_MS: '0',
      // Spans leave in batches every 100 ms instead of every 5 s, so a test waits less.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...vars,
    },
    [register],
  );
  // Loading the SDKs takes seconds more than the bare service, many on a loaded machine.
  const listening = await fixture.waitUntil(
    (lines) => logEntries(lines).find((e) => e.message === 'listening'),
    90_000,
  );
  return { fixture, url: String(listening.url), metricsUrl: String(listening.metricsUrl) };
}
