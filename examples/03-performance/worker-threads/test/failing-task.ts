// A piscina task that fails the two ways a real one does: it throws, or its thread exits.
export function run({ n }: { n: number }): number {
  if (n === 1) throw new RangeError('the task threw');
  if (n === 2) process.exit(3);
  return n;
}

export const failingTaskFile = import.meta.url;
