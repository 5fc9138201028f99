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
