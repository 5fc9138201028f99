import { describe, expect, it } from 'vitest';
import { fromIoCallback, scheduleAll, seedOrder } from './order.js';

const thisFile = new URL(import.meta.url).pathname;

describe('order', () => {
  it("runs the Q&A's snippet as 1 Start → 4 End → 2 Promise → 3 Timeout", async () => {
    expect(await seedOrder()).toEqual(['1. Start', '4. End', '2. Promise', '3. Timeout']);
  });

  it('from an I/O callback: sync, nextTick, promise jobs, then setImmediate before setTimeout(0)', async () => {
    // Repeated because the claim is "every time", not "usually".
    for (let run = 0; run < 20; run++) {
      const steps = await fromIoCallback(thisFile, async () => scheduleAll());
      expect(steps.map((s) => s.label)).toEqual([
        'sync start',
        'sync end',
        'process.nextTick',
        'promise.then',
        'queueMicrotask',
        'setImmediate',
        'setTimeout 0',
      ]);
    }
  });

  it('from inside a promise job, promise jobs run before process.nextTick', async () => {
    const steps = await fromIoCallback(thisFile, () => Promise.resolve().then(scheduleAll));
    expect(steps.map((s) => s.label)).toEqual([
      'sync start',
      'sync end',
      'promise.then',
      'queueMicrotask',
      'process.nextTick',
      'setImmediate',
      'setTimeout 0',
    ]);
  });

  it('tags each step with the queue or phase it ran in', async () => {
    const steps = await fromIoCallback(thisFile, async () => scheduleAll());
    expect(steps.map((s) => s.queue)).toEqual(['sync', 'sync', 'nextTick', 'promise', 'promise', 'check', 'timers']);
  });
});
