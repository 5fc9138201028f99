// Shared by the HTTP benches: load a URL with autocannon (they serve it with withServer).
import autocannon from 'autocannon';

/** Seconds each target is loaded: short, because eight benches share this machine. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  bytesPerResponse: number;
}

/**
 * Loads `url` for SECONDS with autocannon running in its own worker thread, so the load
 * generator has its own event loop (it still shares the machine's 2 cores with the server).
 */
export async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<LoadResult> {
  // One second of warm-up, not counted: the JIT and the connections settle before the clock starts.
  await autocannon({ url, connections: 10, duration: 1, workers: 1, ...options });
  const result = await autocannon({ url, connections: 10, duration: SECONDS, workers: 1, ...options });
  const total = result.requests.total || 1;
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    bytesPerResponse: result.throughput.total / total,
  };
}
