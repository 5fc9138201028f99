import { describe, expect, it } from 'vitest';
import { busyReason, busyThreshold } from '../src/bench-blocks.js';

describe('the bench harness refuses numbers from a busy machine', () => {
  it('allows a load average up to half the cores, before and after', () => {
    expect(busyThreshold({}, 2)).toBe(1);
    expect(busyReason(0.4, 0.9, 1)).toBeUndefined();
  });

  it('refuses when the load was high before or after the bench, saying both', () => {
    expect(busyReason(3.2, 0.5, 1)).toBe('the machine was busy (load average 3.20 before, 0.50 after; limit 1)');
    expect(busyReason(0.2, 1.5, 1)).toMatch(/busy/);
  });

  it('takes an explicit limit from COOKBOOK_BENCH_MAX_LOAD', () => {
    expect(busyThreshold({ COOKBOOK_BENCH_MAX_LOAD: '3' }, 2)).toBe(3);
    expect(busyThreshold({ COOKBOOK_BENCH_MAX_LOAD: 'lots' }, 2)).toBe(1);
  });
});
