import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelay {
  /** Percentiles and max of how late the event loop ran the sampling timer, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoopDelayProbe {
  /** Resolves once the histogram has taken one more sample: a block is recorded only after that. */
  nextSample(): Promise<void>;
  /** Stops sampling and returns what was seen since `startLoopDelayProbe()`. */
  stop(): LoopDelay;
}

/**
 * Samples event-loop delay every `resolutionMs` (min 1). The histogram measures the gap between two
 * of its own ticks, so await `nextSample()` before a block you want to see, and again after it.
 */
export function startLoopDelayProbe(resolutionMs = 10): LoopDelayProbe {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    nextSample: () => nextSample(histogram, resolutionMs),
    stop() {
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      // An empty histogram reports NaN mean and a huge min; report zeros instead.
      if (histogram.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
      return {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      };
    },
  };
}

async function nextSample(histogram: ELDHistogram, resolutionMs: number): Promise<void> {
  const seen = histogram.count;
  const deadline = performance.now() + 20 * resolutionMs + 100;
  while (histogram.count === seen && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, resolutionMs / 2)));
  }
}

/** Runs `work` while probing the loop, and returns both its result and the delay it caused. */
export async function measureLoopDelay<T>(
  work: () => Promise<T> | T,
  resolutionMs = 10,
): Promise<{ result: T; delay: LoopDelay }> {
  const probe = startLoopDelayProbe(resolutionMs);
  try {
    await probe.nextSample();
    const result = await work();
    await probe.nextSample();
    return { result, delay: probe.stop() };
  } catch (error) {
    probe.stop();
    throw error;
  }
}
