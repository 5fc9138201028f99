import { markdownTable, median, reportBench } from '@cookbook/shared/bench';
import { countPrimesInline, countPrimesInWorker, countPrimesPartitioned } from './blocking.js';
import { measureResponsiveness, type Responsiveness } from './test/responsiveness.js';

// The same CPU job three ways, each run ROUNDS times, interleaved so machine noise hits all alike.
const LIMIT = 5_000_000;
const ROUNDS = 5;

const variants = {
  inline: () => countPrimesInline(LIMIT),
  partitioned: () => countPrimesPartitioned(LIMIT),
  'worker thread': () => countPrimesInWorker(LIMIT),
} as const;

type Variant = keyof typeof variants;
const runs = new Map<Variant, Responsiveness[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, work] of Object.entries(variants) as [Variant, () => unknown][]) {
    runs.set(name, [...(runs.get(name) ?? []), await measureResponsiveness(work)]);
  }
}

const rows = [...runs].map(([name, results]) => [
  name,
  median(results.map((r) => r.workMs)),
  median(results.map((r) => r.loopDelay.p50)),
  median(results.map((r) => r.loopDelay.p99)),
  median(results.map((r) => r.loopDelay.max)),
  median(results.map((r) => r.requestMs)),
]);

reportBench(
  'loop-delay',
  `Counting primes below ${LIMIT.toLocaleString('en-US')}, median of ${ROUNDS} rounds (ms; loop delay sampled every 10 ms):\n\n` +
    markdownTable(['variant', 'work', 'loop delay p50', 'p99', 'max', 'HTTP request waited'], rows),
);
