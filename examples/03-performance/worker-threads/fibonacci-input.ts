/** The largest `n` accepted: fib(42) already takes seconds of CPU. */
export const MAX_N = 42;

export type FibonacciInput = { ok: true; n: number } | { ok: false; field: 'n'; error: string };

/** Validates `{ "n": integer 1..MAX_N }`, naming the field on failure so the client can fix it. */
export function parseFibonacciInput(body: unknown): FibonacciInput {
  const n = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).n : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_N) {
    return { ok: false, field: 'n', error: `n must be an integer from 1 to ${MAX_N}` };
  }
  return { ok: true, n };
}
