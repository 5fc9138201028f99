/**
 * Re-checks `condition` every `everyMs` until it returns something truthy, and resolves with that
 * value; after `timeoutMs` fails naming `what`. A bounded wait on a state, where a fixed sleep would
 * be either flaky or slow.
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits for a count to reach `target`, failing only when it has stopped moving for `stallMs`: on a
 * loaded machine a long job may take any time, but a stuck one stops counting. Resolves with the count.
 */
export async function waitForCount(
  read: () => number | Promise<number>,
  target: number,
  what: string,
  stallMs = 20_000,
  everyMs = 50,
): Promise<number> {
  let last = Number.NEGATIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const value = await read();
    if (value >= target) return value;
    if (value !== last) [last, movedAt] = [value, Date.now()];
    else if (Date.now() - movedAt > stallMs)
      throw new Error(`${what}: stuck at ${value} of ${target} for ${stallMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
