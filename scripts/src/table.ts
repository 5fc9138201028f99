import type { Example } from './catalog.js';

/** The catalog as a Markdown table: the root README's list of examples. */
export function examplesTable(examples: readonly Example[]): string {
  const rows = examples.map((e) => {
    const services = e.services.length > 0 ? e.services.join(', ') : '—';
    const recipes = Object.keys(e.recipes)
      .map((r) => `\`${r}\``)
      .join(' ');
    return `| [${e.folder}](examples/${e.folder}) | ${e.question} | ${e.summary} | ${services} | ${recipes} |`;
  });
  return [
    '| example | question | what it shows | services | recipes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The same catalog for a terminal: fixed-width columns, one example a line. */
export function examplesListing(examples: readonly Example[]): string {
  const rows = examples.map((e) => [
    `${e.slug}`,
    e.question,
    e.summary,
    e.services.join(',') || '-',
    Object.keys(e.recipes).join(' '),
  ]);
  const header = ['name', 'q', 'what it shows', 'services', 'recipes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min((r[i] ?? '').length, 60))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const width = widths[i] ?? 0;
        const clipped = c.length > 60 && i < cells.length - 1 ? `${c.slice(0, 59)}…` : c;
        return clipped.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
