// What `pnpm example` costs over running an example's main.ts directly: wall time from spawn to exit
// and the peak RSS of the whole process tree, for one quick recipe in smoke mode, interleaved runs.
//   node --import tsx scripts/src/runner-cost.ts [runs]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { markdownTable, median, ratio } from '@cookbook/shared/bench';
import { ROOT } from './catalog.js';

const RUNS = Number(process.argv[2] ?? 15);

/** Sum of VmRSS (KiB) over `root` and every process below it. */
function treeRss(root: number): number {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      rss.set(Number(name), Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // Exited while we looked.
    }
  }
  let total = 0;
  for (const [pid, kib] of rss) {
    for (let current: number | undefined = pid, hops = 0; current && hops < 64; hops++) {
      if (current === root) {
        total += kib;
        break;
      }
      current = parents.get(current);
    }
  }
  return total;
}

async function measure(command: string, args: string[]): Promise<{ ms: number; mib: number }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, COOKBOOK_SMOKE: '1' }, stdio: 'ignore' });
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRss(child.pid));
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return { ms: performance.now() - started, mib: peak / 1024 };
}

const VARIANTS: Record<string, [string, string[]]> = {
  'node --import tsx examples/01-event-loop/src/main.ts order': [
    process.execPath,
    ['--import', 'tsx', 'examples/01-event-loop/src/main.ts', 'order'],
  ],
  'pnpm example event-loop order': ['pnpm', ['example', 'event-loop', 'order']],
};
const results = new Map<string, { ms: number[]; mib: number[] }>();
for (let run = 0; run < RUNS; run++) {
  for (const [name, [command, args]] of Object.entries(VARIANTS)) {
    const { ms, mib } = await measure(command, args);
    const seen = results.get(name) ?? { ms: [], mib: [] };
    seen.ms.push(ms);
    seen.mib.push(mib);
    results.set(name, seen);
  }
}
const [direct, runner] = [...results.values()].map((r) => ({ ms: median(r.ms), mib: median(r.mib) }));
const rows = [...results.entries()].map(([name, r]) => [
  name,
  median(r.ms),
  ratio(median(r.ms), direct?.ms ?? Number.NaN),
  median(r.mib),
  median(r.mib) - (direct?.mib ?? 0),
]);
console.log(markdownTable(['command', 'ms to exit (median)', 'vs direct', 'peak RSS MiB', 'added MiB'], rows, 1));
console.log(`\n${RUNS} interleaved runs each, Node ${process.version}; goal: the runner adds ≤ 1.2x and ≤ 30 MiB.`);
if (runner && direct && (runner.ms / direct.ms > 1.2 || runner.mib - direct.mib > 30)) process.exitCode = 1;
