import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attachedChannel } from '../broker/attached-channel.js';
import { type Broker, connectBroker } from '../broker/connection.js';

let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());
afterEach(() => vi.restoreAllMocks());

const INITIAL_MS = 200;
const MAX_MS = 800;

/**
 * The gaps between the first five attach attempts of a setup that always fails, with the jitter's
 * random draw pinned to `draw` (0: the shortest wait, just under 1: the longest).
 */
async function gapsBetweenAttempts(draw: number): Promise<number[]> {
  vi.spyOn(Math, 'random').mockReturnValue(draw);
  const startedAt: number[] = [];
  const attached = attachedChannel(broker, {
    backoff: { initialMs: INITIAL_MS, maxMs: MAX_MS },
    setup: async () => {
      startedAt.push(performance.now());
      throw new Error('queue declared with other arguments');
    },
  });
  try {
    await waitUntil(() => startedAt.length >= 5, 'five attempts', 30_000);
  } finally {
    await attached.close();
  }
  return startedAt.slice(1, 5).map((at, i) => at - (startedAt[i] ?? at));
}

describe('re-attaching backs off', () => {
  it('doubling from initialMs up to maxMs, each wait between half and all of it', { timeout: 30_000 }, async () => {
    const longest = await gapsBetweenAttempts(0.9999);
    const shortest = await gapsBetweenAttempts(0);
    // Timers never fire early: lower bounds hold however loaded the machine is.
    expect(longest.every((gap, i) => gap >= Math.min(MAX_MS, INITIAL_MS * 2 ** (i + 1)) - 5)).toBe(true);
    expect(shortest.every((gap, i) => gap >= Math.min(MAX_MS, INITIAL_MS * 2 ** (i + 1)) / 2 - 5)).toBe(true);
    const [first = 0, second = 0, third = 0, fourth = 0] = longest;
    // Ratios, not durations: the wait doubles (400 -> 800), then stays at the cap (800, 800).
    expect(second / first).toBeGreaterThan(1.5);
    expect(second / first).toBeLessThan(2.5);
    expect(fourth / third).toBeGreaterThan(0.7);
    expect(fourth / third).toBeLessThan(1.4);
    // The jitter spreads the wait over [base / 2, base]: the longest draw waits about twice the shortest.
    const sum = (gaps: number[]) => gaps.reduce((a, b) => a + b, 0);
    expect(sum(longest) / sum(shortest)).toBeGreaterThan(1.5);
    expect(sum(longest) / sum(shortest)).toBeLessThan(2.5);
  });
});
