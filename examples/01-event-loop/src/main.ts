import { heading, isMain, isSmoke } from '@cookbook/shared';
import { countPrimesInline, countPrimesInWorker, countPrimesPartitioned } from './blocking.js';
import { formatSteps, fromIoCallback, scheduleAll, seedOrder } from './order.js';
import { tourPhases } from './phases.js';
import { measureResponsiveness, type Responsiveness } from './responsiveness.js';

async function order(): Promise<void> {
  heading('order: the Q&A snippet');
  console.log((await seedOrder()).join(' → '));
  heading('order: every queue, scheduled from an I/O callback');
  console.log(formatSteps(await fromIoCallback(import.meta.filename, async () => scheduleAll())));
  console.log('Look for: nextTick before promise jobs, and setImmediate before setTimeout(0), every run.');
  heading('order: the same, scheduled from inside a promise job (like ESM top-level code)');
  console.log(formatSteps(await fromIoCallback(import.meta.filename, () => Promise.resolve().then(scheduleAll))));
  console.log('Look for: promise jobs now run before process.nextTick.');
}

async function phases(): Promise<void> {
  heading('phases: one callback aimed at each phase, from an I/O callback');
  for (const [i, event] of (await tourPhases()).entries()) {
    console.log(`${i + 1}. ${event.phase.padEnd(7)} ← ${event.api}`);
  }
  console.log('Look for: check and close finish this iteration; timers and poll start the next.');
}

async function blocking(): Promise<void> {
  // Smoke mode only proves the code runs; the full size makes the effect visible to a person.
  const limit = isSmoke() ? 200_000 : 3_000_000;
  heading(`blocking: counting primes below ${limit.toLocaleString('en-US')} three ways`);
  const show = (name: string, r: Responsiveness) =>
    console.log(
      `${name.padEnd(12)} work ${ms(r.workMs)}  loop delay max ${ms(r.loopDelay.max)}  ` +
        `10 ms timer worst gap ${ms(r.worstTimerGapMs)}  HTTP request ${ms(r.requestMs)}`,
    );
  show('inline', await measureResponsiveness(() => countPrimesInline(limit)));
  show('partitioned', await measureResponsiveness(() => countPrimesPartitioned(limit)));
  show('worker', await measureResponsiveness(() => countPrimesInWorker(limit)));
  console.log('Look for: inline, the timer and the request wait for the whole job; the fixes keep them near 10 ms.');
}

const ms = (value: number) => `${value.toFixed(0).padStart(4)} ms`;

const RECIPES: Record<string, () => Promise<void>> = { order, phases, blocking };

export async function main(recipe?: string): Promise<number> {
  if (recipe === undefined) {
    for (const run of Object.values(RECIPES)) await run();
    return 0;
  }
  const run = RECIPES[recipe];
  if (!run) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  await run();
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
