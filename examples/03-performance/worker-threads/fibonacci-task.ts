// #region task
/** The CPU-bound job: naive recursive Fibonacci, so it burns CPU predictably (fib(36) ≈ 130 ms). */
export function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/** The entry a pool thread runs; piscina calls it by name (`name: 'run'`). */
export function run({ n }: { n: number }): number {
  return fibonacci(n);
}
// #endregion task

/** This file as a thread's entry: `.ts` from source, `.js` once compiled (a loader renames imports, not entries). */
export const fibonacciTaskFile = import.meta.url;
