import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelay {
  /** Percentiles and max of how late the event loop ran its timers, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoopDelayProbe {
  /** Stops sampling and returns what was seen since `startLoopDelayProbe()`. */
  stop(): LoopDelay;
}

/** Samples event-loop delay with a histogram; `resolutionMs` is the sampling interval (min 1). */
export function startLoopDelayProbe(resolutionMs = 10): LoopDelayProbe {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
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

/** Runs `work` while probing the loop, and returns both its result and the delay it caused. */
export async function measureLoopDelay<T>(
  work: () => Promise<T> | T,
  resolutionMs = 10,
): Promise<{ result: T; delay: LoopDelay }> {
  const probe = startLoopDelayProbe(resolutionMs);
  try {
    const result = await work();
    // Give the histogram one more turn so a block at the very end is recorded.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, delay: probe.stop() };
  } catch (error) {
    probe.stop();
    throw error;
  }
}
