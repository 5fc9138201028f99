// A seeded generator for property tests. fast-check (the library the field trusts for this) is not
// in this package's dependencies yet; this keeps the same shape, minus shrinking, so the swap is
// mechanical: `pick` ≈ fc.constantFrom, `oneOf` ≈ fc.oneof, `forAll` ≈ fc.assert(fc.asyncProperty).

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Gen<T> = (random: () => number) => T;

export const pick =
  <T>(...values: readonly T[]): Gen<T> =>
  (random) =>
    values[Math.floor(random() * values.length)] as T;

export const oneOf =
  <T>(...gens: readonly Gen<T>[]): Gen<T> =>
  (random) =>
    (gens[Math.floor(random() * gens.length)] as Gen<T>)(random);

export const maybe =
  <T>(gen: Gen<T>): Gen<T | undefined> =>
  (random) =>
    random() < 0.5 ? gen(random) : undefined;

/**
 * Runs `check` on `runs` generated cases, in sequence. A failure names the seed and the case, so
 * `PROPERTY_SEED=<seed>` replays it exactly.
 */
export async function forAll<T>(
  gen: Gen<T>,
  check: (value: T) => Promise<void>,
  { runs = 100, seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000) } = {},
): Promise<void> {
  const random = randomSource(seed);
  for (let run = 0; run < runs; run++) {
    const value = gen(random);
    try {
      await check(value);
    } catch (error) {
      const shown = JSON.stringify(value, (_key, v) =>
        v?.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('latin1') : v,
      );
      throw new Error(`property failed on run ${run + 1} (PROPERTY_SEED=${seed}): ${shown}\n${String(error)}`, {
        cause: error,
      });
    }
  }
}
