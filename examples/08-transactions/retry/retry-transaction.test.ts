import { describe, expect, it } from 'vitest';
import { retryTransaction } from './retry-transaction.js';

describe('retryTransaction', () => {
  const serializationFailure = () => Object.assign(new Error('could not serialize access'), { code: '40001' });
  const noWait = async () => {};
  const alwaysFailing = async () => {
    throw serializationFailure();
  };

  it('gives up after `attempts` tries and throws the last error', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw serializationFailure();
      },
      { attempts: 4, wait: noWait },
    );
    await expect(failing).rejects.toThrow('could not serialize access');
    expect(calls).toBe(4);
  });

  it('does not retry an error that is not a conflict', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
      { wait: noWait },
    );
    await expect(failing).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
  });

  it('waits a random delay below an exponentially growing, capped ceiling', async () => {
    const delays: number[] = [];
    await expect(
      retryTransaction(alwaysFailing, {
        attempts: 8,
        baseDelayMs: 10,
        maxDelayMs: 200,
        random: () => 0.999,
        wait: noWait,
        onRetry: (_a, _e, ms) => delays.push(ms),
      }),
    ).rejects.toThrow();
    expect(delays).toEqual([9, 19, 39, 79, 159, 199, 199]);
    const jittered: number[] = [];
    await retryTransaction(
      async (attempt) => {
        if (attempt < 3) throw serializationFailure();
      },
      { baseDelayMs: 10, random: () => 0, wait: noWait, onRetry: (_a, _e, ms) => jittered.push(ms) },
    );
    expect(jittered).toEqual([0, 0]);
  });

  it('by default: 5 tries, delays from 5 ms doubling up to 200 ms, each attempt numbered', async () => {
    const retries: [number, number][] = [];
    const onRetry = (attempt: number, _error: unknown, ms: number) => void retries.push([attempt, ms]);
    const seen: number[] = [];
    const failing = retryTransaction(
      async (attempt) => {
        seen.push(attempt);
        throw serializationFailure();
      },
      { random: () => 0.999, wait: noWait, onRetry },
    );
    await expect(failing).rejects.toThrow('could not serialize access');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(retries).toEqual([
      [1, 4],
      [2, 9],
      [3, 19],
      [4, 39],
    ]);
    const capped: number[] = [];
    await expect(
      retryTransaction(alwaysFailing, {
        attempts: 9,
        random: () => 0.999,
        wait: noWait,
        onRetry: (_a, _e, ms) => void capped.push(ms),
      }),
    ).rejects.toThrow();
    expect(capped.slice(-3)).toEqual([159, 199, 199]);
  });

  it('really sleeps between tries: never retries at once', async () => {
    const delays: number[] = [];
    const started = performance.now();
    await expect(
      retryTransaction(alwaysFailing, {
        attempts: 4,
        baseDelayMs: 40,
        maxDelayMs: 40,
        random: () => 0.999,
        onRetry: (_a, _e, ms) => void delays.push(ms),
      }),
    ).rejects.toThrow();
    const elapsed = performance.now() - started;
    expect(delays).toEqual([39, 39, 39]);
    // A timer never fires early (Node may round down by under 1 ms each), so the time spent is at least the delays.
    expect(elapsed).toBeGreaterThanOrEqual(delays.reduce((sum, ms) => sum + ms, 0) - delays.length);
  });

  it('with Math.random, each delay falls somewhere under its ceiling', async () => {
    const delays: number[] = [];
    await expect(
      retryTransaction(alwaysFailing, {
        attempts: 41,
        baseDelayMs: 1_000,
        maxDelayMs: 1_000,
        wait: noWait,
        onRetry: (_a, _e, ms) => void delays.push(ms),
      }),
    ).rejects.toThrow();
    expect(Math.max(...delays)).toBeLessThan(1_000);
    // 40 uniform draws under 1,000: the chance that all land in one half is 2 × 2^-40.
    expect(new Set(delays.map((ms) => ms < 500)).size).toBe(2);
  });
});
