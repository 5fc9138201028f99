import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Node version, CPU model and core count, and the date: the context every measured number needs. */
export function benchEnvironment(now = new Date()): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${cpu} × ${cpus().length}, ${now.toISOString().slice(0, 10)}`;
}

export type Cell = string | number;

/** A Markdown table; numbers get thousands separators and at most `digits` decimals. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[], digits = 1): string {
  const format = (cell: Cell) =>
    typeof cell === 'number' ? cell.toLocaleString('en-US', { maximumFractionDigits: digits }) : cell;
  const lines = [header, header.map(() => '---'), ...rows.map((row) => row.map(format))];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** `0.42x`, `12x`: a ratio the way the READMEs print them. */
export function ratio(value: number, baseline: number): string {
  const r = value / baseline;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x`;
}

/**
 * A measured figure beside the most the machine or a building block allows: a speed-up from threads
 * cannot pass the core count, a route cannot outrun its framework's hello-world.
 */
export interface BenchLimit {
  /** What was measured, as the table names it: `pool vs inline`. */
  figure: string;
  measured: number;
  /** The ceiling, in the measured figure's unit. */
  limit: number;
  /** Where the ceiling comes from: `2 cores`, `Express's hello`. */
  because: string;
  /** Printed after both numbers: `x`, ` req/s`. */
  unit?: string;
}

/** The line under a table that states each figure next to its limit. */
export function limitsLine(limits: readonly BenchLimit[]): string {
  const format = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const clauses = limits.map(
    ({ figure, measured, limit, because, unit = '' }) =>
      `${figure} ${format(measured)}${unit} ≤ ${format(limit)}${unit} (${because})`,
  );
  return `Physical limits: ${clauses.join('; ')}.`;
}

/** The limits a measurement broke; a figure that is not a number breaks its limit too. */
export function brokenLimits(limits: readonly BenchLimit[]): BenchLimit[] {
  return limits.filter(({ measured, limit }) => !(measured <= limit));
}

/**
 * Prints a bench's result and, under `pnpm bench`, hands it to the harness (through the file in
 * COOKBOOK_BENCH_REPORT), which writes it into the README block `<!-- bench:<name> -->`. With
 * `limits`, the table states them, and a figure above its limit throws instead of being reported:
 * an impossible number means the measurement was wrong, whatever the load average said.
 */
export function reportBench(name: string, markdown: string, limits: readonly BenchLimit[] = []): void {
  const stated = limits.length > 0 ? `\n\n${limitsLine(limits)}` : '';
  const block = `${markdown.trim()}${stated}\n\n_Measured on ${benchEnvironment()}._`;
  console.log(`\n${block}\n`);
  const broken = brokenLimits(limits);
  if (broken.length > 0) {
    throw new Error(
      `bench ${name} not written: ${limitsLine(broken)} A figure above its physical limit is a wrong ` +
        'measurement (a baseline depressed by a busy machine, a missed pin): rerun on a quiet machine.',
    );
  }
  const reportFile = process.env.COOKBOOK_BENCH_REPORT;
  if (reportFile) appendFileSync(reportFile, `${JSON.stringify({ name, markdown: block })}\n`);
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
