/** `name{labels}` → value, from Prometheus' text format; comments and blank lines skipped. */
export function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** The series matching `keep` whose value changed between two scrapes, as `series  before → after`. */
export function movedSeries(before: string, after: string, keep: RegExp): string[] {
  const was = parseExposition(before);
  const lines: string[] = [];
  for (const [series, value] of parseExposition(after)) {
    const previous = was.get(series) ?? 0;
    if (keep.test(series) && previous !== value) lines.push(`${series}  ${format(previous)} → ${format(value)}`);
  }
  return lines;
}

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));
