import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { benchFiles, busyReason, busyThreshold } from '../src/bench-blocks.js';
import { findExample, loadCatalog } from '../src/catalog.js';
import { foreignTicks, type ProcessSample, parseStat, readProcesses } from '../src/foreign-load.js';

const snapshot = (...samples: ProcessSample[]) => new Map(samples.map((s) => [s.pid, s]));
const at = (pid: number, ppid: number, comm: string, ticks: number): ProcessSample => ({
  pid,
  ppid,
  comm,
  ticks,
  rssPages: 0,
});

describe('the bench harness refuses numbers from a busy machine', () => {
  it('lets other processes use a quarter of the cores, before and during the bench', () => {
    expect(busyThreshold({}, 2)).toBe(0.5);
    expect(busyReason(0.1, 0.4, 0.5)).toBeUndefined();
  });

  it('refuses when the neighbours were busy before or during the bench, saying both', () => {
    expect(busyReason(1.2, 0.1, 0.5)).toBe(
      'other processes kept the machine busy (1.20 cores before the bench, 0.10 during it; limit 0.5)',
    );
    expect(busyReason(0.1, 0.9, 0.5)).toMatch(/busy/);
  });

  it('takes an explicit limit from COOKBOOK_BENCH_MAX_LOAD', () => {
    expect(busyThreshold({ COOKBOOK_BENCH_MAX_LOAD: '3' }, 2)).toBe(3);
    expect(busyThreshold({ COOKBOOK_BENCH_MAX_LOAD: 'lots' }, 2)).toBe(0.5);
  });
});

describe('which benches run', () => {
  const deployment = findExample(loadCatalog().examples, 'deployment');

  it('all of a package by default, or only those under the folders (or the files) named after it', () => {
    if (!deployment) throw new Error('the deployment example is missing');
    const all = benchFiles(deployment);
    expect(all).toContain('logging/probe.bench.ts');
    expect(all.length).toBeGreaterThan(1);
    expect(benchFiles(deployment, ['logging'])).toEqual(['logging/probe.bench.ts']);
    expect(benchFiles(deployment, ['log'])).toEqual([]); // a folder, not a prefix of one
    expect(benchFiles(deployment, ['logging/probe.bench.ts'])).toEqual(['logging/probe.bench.ts']); // or one file
  });
});

describe('what counts as a neighbour', () => {
  // The harness is 10; its bench 11 and the bench's server 12; Postgres 20; a test run elsewhere 30;
  // a kernel thread flushing the bench's writes 40.
  const before = snapshot(
    at(1, 0, 'init', 0),
    at(2, 0, 'kthreadd', 0),
    at(40, 2, 'kworker/0:1', 10),
    at(10, 1, 'node', 50),
    at(11, 10, 'node', 0),
    at(20, 1, 'postgres', 0),
    at(30, 1, 'node', 100),
  );

  it("counts only time spent outside the bench's own tree, the services it drives and the kernel", () => {
    const after = snapshot(
      at(1, 0, 'init', 0),
      at(10, 1, 'node', 60),
      at(11, 10, 'node', 400),
      at(12, 11, 'haproxy', 300),
      at(20, 1, 'postgres', 500),
      at(30, 1, 'node', 180),
      at(40, 2, 'kworker/0:1', 90),
    );
    expect(foreignTicks(before, after, 10)).toBe(80);
  });

  it('counts a process that started during the bench, and a reused pid, from zero', () => {
    const after = snapshot(at(10, 1, 'node', 50), at(30, 1, 'vitest', 40), at(31, 1, 'tsc', 70));
    expect(foreignTicks(before, after, 10)).toBe(110);
  });

  it('reads /proc/<pid>/stat, a command with spaces and parentheses included', () => {
    const line = '4242 (my (odd) cmd) S 7 4242 4242 0 -1 4194560 1 0 0 0 25 5 0 0 20 0 1 0 9876 1048576 512 0';
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 7, comm: 'my (odd) cmd', ticks: 30, rssPages: 512 });
  });

  it("finds a real busy child in this machine's /proc and charges it to its parent's tree", async () => {
    const first = readProcesses();
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 700; while (Date.now() < end);']);
    await once(child, 'spawn');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = readProcesses();
    expect(first && second).toBeDefined();
    const sample = second?.get(child.pid ?? -1);
    expect(sample?.ppid).toBe(process.pid);
    expect(sample?.ticks).toBeGreaterThan(0);
    if (first && second) {
      // Ours from the harness's point of view, a neighbour's from init's.
      const ours = foreignTicks(first, second, process.pid);
      const asNeighbour = foreignTicks(first, second, -1);
      expect(asNeighbour - ours).toBeGreaterThanOrEqual(sample?.ticks ?? 1);
    }
    await once(child, 'exit');
  });
});
