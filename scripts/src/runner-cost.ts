// What `pnpm example` costs over running an example's main.ts directly: wall time from spawn to exit
// and the peak RSS of the whole process tree, for one quick recipe in smoke mode, interleaved runs.
//   node --import tsx scripts/src/runner-cost.ts [runs]
import { execFileSync, spawn } from 'node:child_process';
import { markdownTable, median, ratio } from '@cookbook/shared/bench';
import { ROOT } from './catalog.js';
import { descendsFrom, readProcesses } from './foreign-load.js';

const RUNS = Number(process.argv[2] ?? 15);

const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

/** Resident memory of `root` and every process below it, in MiB. */
function treeMib(root: number): number {
  const snapshot = readProcesses() ?? new Map();
  let pages = 0;
  for (const process of snapshot.values()) if (descendsFrom(process.pid, root, snapshot)) pages += process.rssPages;
  return (pages * PAGE_BYTES) / 2 ** 20;
}

async function measure(command: string, args: string[]): Promise<{ ms: number; mib: number }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, COOKBOOK_SMOKE: '1' }, stdio: 'ignore' });
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeMib(child.pid));
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return { ms: performance.now() - started, mib: peak };
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
