import { spawnFixture } from '@cookbook/shared/testing';
import { beforeAll, expect, it } from 'vitest';

interface Seen {
  traceId: string;
  seen: Record<string, string | undefined>;
  meterProvider: string;
}

let result: Seen;
beforeAll(async () => {
  const fixture = spawnFixture(new URL('./test/outgoing.ts', import.meta.url));
  const [, json] = await fixture.waitForLine(/^(\{"traceId".*)$/, 60_000);
  result = JSON.parse(json as string) as Seen;
  await fixture.exited;
}, 90_000);

// #region fetch-untraced
it('http.request carries the trace to the next service; global fetch (undici) does not', () => {
  const { traceId, seen } = result;
  expect(seen['/http-request']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  expect(seen['/fetch']).toBeUndefined(); // needs @opentelemetry/instrumentation-undici
});
// #endregion fetch-untraced

it('starts no OTLP metrics pipeline behind the app’s back: metrics are prom-client’s', () => {
  expect(result.meterProvider).toBe('NoopMeterProvider');
});
