import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface Responsiveness {
  /** How long the work took, start to finish. */
  workMs: number;
  /** Event-loop delay seen by `monitorEventLoopDelay` while the work ran. */
  loopDelay: { p50: number; p99: number; max: number };
  /** The longest gap between two ticks of a 10 ms interval timer. */
  worstTimerGapMs: number;
  /** How long an HTTP request sent as the work started waited for its answer. */
  requestMs: number;
}

// #region measure
/**
 * Runs `work` while three things watch the loop: the delay histogram, a 10 ms interval timer and an
 * HTTP request to a server in this same process. Blocked, all three wait for the whole block.
 */
export async function measureResponsiveness(work: () => unknown): Promise<Responsiveness> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let lastTick = performance.now();
  let worstTimerGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worstTimerGapMs = Math.max(worstTimerGapMs, now - lastTick);
    lastTick = now;
  }, 10);
  try {
    // The histogram measures the gap between two of its own ticks, so it must be ticking already.
    histogram.enable();
    await nextSample(histogram);
    const response = timeRequest(`http://127.0.0.1:${port}/`);
    // One turn of the loop so the request's connection is under way before the work starts.
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await work();
    const workMs = performance.now() - started;
    const requestMs = await response;
    await nextSample(histogram);
    histogram.disable();
    const ms = (ns: number) => ns / 1e6;
    const loopDelay = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
    return { workMs, loopDelay, worstTimerGapMs, requestMs };
  } finally {
    clearInterval(timer);
    server.close();
  }
}
// #endregion measure

/** The histogram samples on its own timer: a block is recorded only once that timer fires after it. */
async function nextSample(histogram: ELDHistogram): Promise<void> {
  const seen = histogram.count;
  for (let i = 0; i < 50 && histogram.count === seen; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function timeRequest(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    }).on('error', reject);
  });
}
