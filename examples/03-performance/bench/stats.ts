// Reads a tinybench task's statistics; a task that errored or was aborted throws, so a bench never
// reports a number it did not measure.
import type { Bench } from 'tinybench';

function completed(bench: Bench, name: string) {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`bench task "${name}" did not complete (${result?.state})`);
  return result;
}

/** Operations per second (mean). */
export function opsPerSecond(bench: Bench, name: string): number {
  return completed(bench, name).throughput.mean;
}

/** Mean time per operation, in milliseconds. */
export function meanMs(bench: Bench, name: string): number {
  return completed(bench, name).latency.mean;
}
