import { redisPrefix, spawnFixture, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpanRecord } from './test/span-record.js';

interface Run {
  statuses: number[];
  spans: SpanRecord[];
  secondStart: string;
  loaderThreads: number;
  batchedBeforeStop: number;
  batchedAtStop: number;
  restart: string;
}

const database = useTestDatabase('traced_libraries');
let run: Run;
let warnings: string[];
beforeAll(async () => {
  const fixture = spawnFixture(new URL('./test/traced-libraries.ts', import.meta.url), {
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: testServices().redisUrl,
      REDIS_KEY: `${redisPrefix('traced')}absent`,
    },
  });
  try {
    const [, json] = await fixture.waitForLine(/^(\{"statuses".*)$/, 60_000);
    run = JSON.parse(json as string) as Run;
    expect(await fixture.exited).toBe(0);
    warnings = fixture.errors;
  } finally {
    await fixture.kill();
  }
}, 90_000);

describe('what tracedLibraries() records', () => {
  it('roots one trace per request served, and none for a scrape of /metrics', () => {
    expect(run.statuses).toEqual([200, 201]);
    const roots = run.spans.filter((s) => s.parentSpanId === undefined).map((s) => s.name);
    expect(roots).toEqual(['POST /orders']);
    expect(JSON.stringify(run.spans)).not.toContain('/metrics');
  });

  it('records the route handler but not the middleware in front of it', () => {
    const layers = run.spans.map((s) => s.attributes['express.type']).filter((type) => type !== undefined);
    expect(layers).toEqual(['request_handler']);
  });

  it('records Postgres and Redis calls made for a request, and none made outside one', () => {
    const calls = run.spans.filter((s) => s.attributes['db.query.text'] !== undefined);
    expect(calls.map((s) => s.attributes['db.system.name']).sort()).toEqual(['postgresql', 'redis']);
    expect(JSON.stringify(calls)).toContain("SELECT 'inside a request'");
    expect(JSON.stringify(run.spans)).not.toContain('outside a request');
  });
});

describe('starting and stopping the SDK', () => {
  it('refuses a second start, which would patch every library twice', () => {
    expect(run.secondStart).toMatch(/called twice/);
  });

  it('sends what is still batched when it stops, then can start again', () => {
    expect(run.batchedBeforeStop).toBe(0);
    expect(run.batchedAtStop).toBe(run.spans.length);
    expect(run.restart).toBe('accepted');
  });

  it('hooks ESM imports once per process, however often tracing starts', () => {
    expect(warnings.join('\n')).not.toMatch(/already been registered/);
  });

  it('hooks them in-thread where Node can, with no loader thread to cross for every import', () => {
    expect(run.loaderThreads).toBe(supportsSyncHooks() ? 0 : 1);
  });
});
