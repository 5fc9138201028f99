import { recipe } from '@cookbook/shared';
import { fromIoCallback, type Step, scheduleAll, seedOrder } from './order.js';

/** `1. sync start [sync]` lines for a person to read. */
function formatSteps(steps: readonly Step[]): string[] {
  return steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s.label.padEnd(18)} [${s.queue}]`);
}

export const orderDemo = recipe({
  services: [],
  title: 'sync, nextTick, promises, timers and setImmediate in the order they really run',
  lookFor:
    'from a callback, nextTick before promise jobs; from a promise job, the reverse; setImmediate before setTimeout(0) every time.',
  async run({ log }) {
    log(`The Q&A's snippet: ${(await seedOrder()).join(' → ')}`);
    log('');
    log('Every queue, scheduled from an I/O callback:');
    for (const line of formatSteps(await fromIoCallback(import.meta.filename, async () => scheduleAll()))) log(line);
    log('');
    log('The same, scheduled from inside a promise job (as ESM top-level code is):');
    const fromPromiseJob = await fromIoCallback(import.meta.filename, () => Promise.resolve().then(scheduleAll));
    for (const line of formatSteps(fromPromiseJob)) log(line);
  },
});
