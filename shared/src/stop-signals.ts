// How a demo stops: Ctrl-C or SIGTERM once to clean up, again (not a wrapper's relay) to exit at once.

/** A signal repeated within this window is the same Ctrl-C relayed by pnpm or tsx, not a second one. */
const RELAY_WINDOW_MS = 500;

/** Signal handlers do not keep Node running; a waiting demo with no socket open must, until the signal. */
export function keepAliveUntil(stopped: Promise<void>): Promise<void> {
  const timer = setInterval(() => {}, 60_000);
  return stopped.finally(() => clearInterval(timer));
}

/** The first SIGINT/SIGTERM aborts `stop`; a later one (not a relay of the first) exits at once. */
export function onStopSignal(stop: AbortController, interrupted: { byCtrlC: boolean }): () => void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    // A wrapper's relay may overtake the terminal's SIGINT; either way it was a Ctrl-C.
    if (signal === 'SIGINT') interrupted.byCtrlC = true;
    if (firstAt === undefined) {
      firstAt = performance.now();
      console.log(`\n${signal}: stopping, cleaning up (again to exit at once)`);
      stop.abort(signal);
    } else if (performance.now() - firstAt > RELAY_WINDOW_MS) {
      console.log(`${signal} again: exiting now`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
