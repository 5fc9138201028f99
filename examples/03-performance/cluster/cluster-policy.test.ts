import { describe, expect, it } from 'vitest';
import { CrashHistory } from './cluster-policy.js';

describe('restart policy', () => {
  it('backs off exponentially and gives up after maxRestarts in the window', () => {
    const history = new CrashHistory({ maxRestarts: 3, windowMs: 1000, baseDelayMs: 100, maxDelayMs: 250 });
    expect([history.record(0), history.record(10), history.record(20), history.record(30)]).toEqual([
      { restart: true, delayMs: 100 },
      { restart: true, delayMs: 200 },
      { restart: true, delayMs: 250 },
      { restart: false, crashes: 4 },
    ]);
    expect(history.record(5000)).toEqual({ restart: true, delayMs: 100 }); // old crashes age out
  });

  it('ages crashes on a real clock; one exactly windowMs old is out of the window', () => {
    const history = new CrashHistory({ maxRestarts: 3, windowMs: 1000, baseDelayMs: 100, maxDelayMs: 250 });
    const start = Date.now();
    expect(history.record(start)).toEqual({ restart: true, delayMs: 100 });
    expect(history.record(start + 10)).toEqual({ restart: true, delayMs: 200 });
    expect(history.record(start + 1000)).toEqual({ restart: true, delayMs: 200 }); // start aged out, +10 not
  });
});
