/**
 * Prose must not quote a measurement that no bench table of the same README shows: a ratio such as
 * `2.07x` or `0.9×` written beside a table goes stale the day the table is re-measured. Ratios the
 * prose states as goals or limits ("≥ 0.9x", "at most 2x", "under 10x") are not measurements, nor
 * are claims quoted from the Q&A in double quotes ("2-3x faster").
 */
const RATIO = /(?<![\w.])(\d+(?:[.,]\d+)?)[x×](?![\w])/g;

/** Words before a ratio that make it a goal or a bound rather than a figure read off a bench. */
const BOUND =
  /(≥|≤|>|<|at least|at most|up to|under|over|above|below|goal|limit|cap|allow|allows|allowed|by design|ideal|theoretical|cores?)\s*(?:of\s*)?~?\s*$/i;

/** The README without what the harness writes (bench and mutation blocks), code fences, and HTML comments. */
export function proseOf(readme: string): string {
  return readme
    .replace(/<!-- bench:[\w-]+ -->[\s\S]*?<!-- \/bench -->/g, '')
    .replace(/<!-- mutation:start -->[\s\S]*?<!-- mutation:end -->/g, '')
    .replace(/<!-- region:[^>]+-->[\s\S]*?<!-- endregion -->/g, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/** The figures every bench block of the README shows, as written (`1.50x`, `2,164x`), normalised. */
export function benchFigures(readme: string): Set<string> {
  const figures = new Set<string>();
  for (const [block] of readme.matchAll(/<!-- bench:[\w-]+ -->[\s\S]*?<!-- \/bench -->/g)) {
    for (const match of block.matchAll(RATIO)) figures.add(normalise(match[1] as string));
  }
  return figures;
}

const normalise = (figure: string) => String(Number(figure.replaceAll(',', '')));

/** Every ratio quoted in prose that no bench block of the same README shows, with its line. */
export function unsupportedRatios(readme: string): { figure: string; line: string }[] {
  const figures = benchFigures(readme);
  const found: { figure: string; line: string }[] = [];
  for (const line of proseOf(readme)
    .replace(/"[^"\n]*"/g, '""')
    .split('\n')) {
    for (const match of line.matchAll(RATIO)) {
      const before = line.slice(0, match.index);
      if (BOUND.test(before)) continue;
      if (!figures.has(normalise(match[1] as string))) found.push({ figure: match[0].trim(), line: line.trim() });
    }
  }
  return found;
}
