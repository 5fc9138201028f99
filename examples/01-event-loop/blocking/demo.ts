import { recipe } from '@cookbook/shared';
import { countPrimesInline, countPrimesInWorker, countPrimesPartitioned } from './blocking.js';
import { measureResponsiveness, type Responsiveness } from './test/responsiveness.js';

const ms = (value: number) => `${value.toFixed(0).padStart(4)} ms`;

export const blockingDemo = recipe({
  services: [],
  title: 'the same CPU job inline, partitioned with setImmediate, and on a worker thread',
  lookFor: 'inline, the timer and the request wait for the whole job; the fixes keep them near 10 ms.',
  async run({ smoke, log }) {
    // Smoke mode only proves the code runs; the full size makes the effect visible to a person.
    const limit = smoke ? 50_000 : 3_000_000;
    log(`Counting primes below ${limit.toLocaleString('en-US')}:`);
    const show = (name: string, r: Responsiveness) =>
      log(
        `${name.padEnd(12)} work ${ms(r.workMs)}  loop delay max ${ms(r.loopDelay.max)}  ` +
          `10 ms timer worst gap ${ms(r.worstTimerGapMs)}  HTTP request ${ms(r.requestMs)}`,
      );
    show('inline', await measureResponsiveness(() => countPrimesInline(limit)));
    show('partitioned', await measureResponsiveness(() => countPrimesPartitioned(limit)));
    show('worker', await measureResponsiveness(() => countPrimesInWorker(limit)));
  },
});
