// #region policy
/** When the primary restarts a crashed worker, and when it stops trying. */
export interface RestartPolicy {
  /** More crashes than this inside `windowMs` is a crash loop: stop forking. */
  maxRestarts: number;
  windowMs: number;
  /** First restart waits this long; each further crash in the window doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; crashes: number };

/**
 * Remembers recent crashes and decides on each one. A bad deploy that crashes at startup gets
 * a few spaced-out retries and then a loud stop, instead of forking hundreds of processes a second.
 */
export class CrashHistory {
  // Stryker disable next-line ArrayDeclaration: record() filters the list by age before reading it, and a non-number is never younger than the window
  private crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy) {}

  record(now: number): RestartDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.policy.windowMs);
    this.crashes.push(now);
    const count = this.crashes.length;
    if (count > this.policy.maxRestarts) return { restart: false, crashes: count };
    const delayMs = Math.min(this.policy.baseDelayMs * 2 ** (count - 1), this.policy.maxDelayMs);
    return { restart: true, delayMs };
  }
}
// #endregion policy
