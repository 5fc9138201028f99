import { get } from 'node:http';
import { setImmediate } from 'node:timers/promises';
import { type LoopDelay, startLoopDelayProbe, withServer } from '@cookbook/shared';

export interface Responsiveness {
  /** How long the work took, start to finish. */
  workMs: number;
  /** Event-loop delay seen by `monitorEventLoopDelay` while the work ran. */
  loopDelay: LoopDelay;
  /** The longest gap between two ticks of a 10 ms interval timer. */
  worstTimerGapMs: number;
  /**
   * Ticks of that timer while the work ran: none while a block holds the loop, about one per 10 ms
   * while it is free. A count, so one stall of a loaded machine's scheduler cannot turn it around.
   */
  timerTicks: number;
  /** How long an HTTP request sent as the work started waited for its answer. */
  requestMs: number;
}

// #region measure
/**
 * Runs `work` while three things watch the loop: the delay histogram, a 10 ms interval timer and an
 * HTTP request to a server in this same process. Blocked, all three wait for the whole block.
 */
export async function measureResponsiveness(work: () => unknown): Promise<Responsiveness> {
  return withServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      let lastTick = performance.now();
      let worstTimerGapMs = 0;
      let working = false;
      let timerTicks = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worstTimerGapMs = Math.max(worstTimerGapMs, now - lastTick);
        lastTick = now;
        if (working) timerTicks++;
      }, 10);
      // The histogram measures the gap between two of its own ticks, so it must be ticking already.
      const probe = startLoopDelayProbe(10);
      try {
        await probe.nextSample();
        const response = timeRequest(url);
        // One turn of the loop so the request's connection is under way before the work starts.
        await setImmediate();
        const started = performance.now();
        working = true;
        await work();
        working = false;
        const workMs = performance.now() - started;
        const requestMs = await response;
        await probe.nextSample();
        return { workMs, loopDelay: probe.stop(), worstTimerGapMs, timerTicks, requestMs };
      } finally {
        probe.stop();
        clearInterval(timer);
      }
    },
  );
}
// #endregion measure

function timeRequest(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    }).on('error', reject);
  });
}
