import { spawnFixture } from '@cookbook/shared/testing';
import { expect, it } from 'vitest';

// #region fetch-untraced
it('http.request carries the trace to the next service; global fetch (undici) does not', async () => {
  const fixture = spawnFixture(new URL('./test/outgoing.ts', import.meta.url));
  const [, json] = await fixture.waitForLine(/^(\{"traceId".*)$/);
  const { traceId, seen } = JSON.parse(json as string) as { traceId: string; seen: Record<string, string | undefined> };
  expect(seen['/http-request']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  expect(seen['/fetch']).toBeUndefined(); // needs @opentelemetry/instrumentation-undici
  await fixture.exited;
});
// #endregion fetch-untraced
