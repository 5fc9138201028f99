import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { type RunningService, startFailingService } from './test/service.js';

interface CrashEvent {
  level?: string;
  exception?: { values?: { value?: string; mechanism?: { handled?: boolean; type?: string } }[] };
}

const exceptionOf = (service: RunningService) =>
  (service.receiver.events() as CrashEvent[]).map((e) => ({ level: e.level, ...e.exception?.values?.[0] }));

/** Runs `work` against a fresh failing service, and always stops it. */
async function withService(
  env: NodeJS.ProcessEnv,
  work: (service: RunningService) => Promise<void>,
  options?: { dsn?: boolean; holdMs?: number },
): Promise<void> {
  const service = await startFailingService(env, options);
  try {
    await work(service);
  } finally {
    await service.stop();
  }
}

/** How many heartbeat lines the process printed: still rising means still running. */
const heartbeats = (service: RunningService) => service.fixture.lines.filter((l) => l.startsWith('{"alive"')).length;

// Each test starts the service in its own process (up to a minute on a loaded machine).
describe('crashes are reported before the process goes', { timeout: 120_000 }, () => {
  it('an unhandled rejection is reported as fatal, then the process exits as Node would', async () => {
    await withService({}, async (service) => {
      await fetch(`${service.url}/crash/rejection`, { method: 'POST' });
      expect(await service.fixture.exited).not.toBe(0);
      expect(exceptionOf(service)).toMatchObject([
        { level: 'fatal', value: 'nobody awaited this charge', mechanism: { handled: false } },
      ]);
    });
  });

  // #region unhandled-rejection
  it('the quick-start init reports it, and leaves the broken process running', async () => {
    await withService({ NAIVE_SENTRY: '1' }, async (service) => {
      await fetch(`${service.url}/crash/rejection`, { method: 'POST' });
      await waitUntil(() => exceptionOf(service).length > 0, 'the rejection event');
      const seen = heartbeats(service);
      await waitUntil(() => heartbeats(service) > seen + 3, 'the process to go on beating');
      expect(exceptionOf(service)[0]).toMatchObject({ level: 'error', mechanism: { handled: false } });
    });
  });
  // #endregion unhandled-rejection

  it('an uncaught exception is reported and the process exits 1', async () => {
    await withService({}, async (service) => {
      await fetch(`${service.url}/crash/exception`, { method: 'POST' });
      expect(await service.fixture.exited).toBe(1);
      expect(exceptionOf(service)).toMatchObject([
        { value: 'thrown from a timer, outside any request', mechanism: { handled: false } },
      ]);
    });
  });

  it('without a DSN nothing is installed: an unhandled rejection ends the process as plain Node does', async () => {
    await withService(
      {},
      async (service) => {
        expect((await fetch(`${service.url}/orders`, { method: 'POST' })).status).toBe(500);
        await fetch(`${service.url}/crash/rejection`, { method: 'POST' });
        expect(await service.fixture.exited).toBe(1);
        expect(service.fixture.errors.join('\n')).toContain('nobody awaited this charge');
        expect(service.receiver.envelopes).toEqual([]);
      },
      { dsn: false },
    );
  });
});

describe('SIGTERM while a request is failing', { timeout: 120_000 }, () => {
  // The receiver holds each answer 500 ms: a process that does not wait for it hangs up first.
  const holdMs = 500;

  async function failDuringShutdown(service: RunningService): Promise<number | null> {
    const failing = fetch(`${service.url}/slow-failure`);
    await service.fixture.waitForLine(/"slowFailure":"started"/);
    service.fixture.child.kill('SIGTERM');
    await service.fixture.waitForLine(/"stopping":true/);
    expect((await failing).status).toBe(500); // drained, not cut off
    return service.fixture.exited;
  }

  // #region sigterm-flush
  it('graceful shutdown waits until the error event is delivered', async () => {
    await withService(
      {},
      async (service) => {
        expect(await failDuringShutdown(service)).toBe(0);
        expect(exceptionOf(service).map((e) => e.value)).toEqual(['failed while the service was draining']);
        expect(service.receiver.envelopes.every((e) => !e.abandoned)).toBe(true);
      },
      { holdMs },
    );
  });

  it('exiting as soon as the server closes loses it', async () => {
    await withService(
      { SHUTDOWN: 'naive' },
      async (service) => {
        expect(await failDuringShutdown(service)).toBe(0);
        const delivered = service.receiver.envelopes.filter(
          (e) => !e.abandoned && e.items.some((i) => i.header.type === 'event'),
        );
        expect(delivered).toEqual([]);
      },
      { holdMs },
    );
  });
  // #endregion sigterm-flush
});
