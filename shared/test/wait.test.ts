import { describe, expect, it } from 'vitest';
import { waitForCount } from '../src/testing/wait.js';

describe('waitForCount', () => {
  it('waits past its stall limit for as long as the count keeps moving', async () => {
    let count = 0;
    const started = Date.now();
    const reached = await waitForCount(() => (Date.now() - started > 10 * count ? ++count : count), 30, 'slow', 40, 5);
    expect(reached).toBe(30);
    expect(Date.now() - started).toBeGreaterThan(40 * 2); // longer than the stall limit, in all
  });

  it('fails naming the count once it stops moving', async () => {
    await expect(waitForCount(() => 7, 10, 'the worker', 50, 5)).rejects.toThrow(
      'the worker: stuck at 7 of 10 for 50 ms',
    );
  });
});
