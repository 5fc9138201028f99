import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Example } from './catalog.js';
import { groupAlive, killGroup, runExample, waitForExit } from './run-example.js';

export interface SmokeResult {
  example: Example;
  ok: boolean;
  seconds: number;
  reason?: string;
  output: string;
}

/**
 * Runs one example's demo with COOKBOOK_SMOKE=1 in its own process group and fails it on a non-zero
 * exit, on running past `timeoutMs`, or on any process of the group still alive after it exits.
 */
export async function smokeExample(example: Example, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<SmokeResult> {
  const started = performance.now();
  const child = runExample(example, { env: { ...env, COOKBOOK_SMOKE: '1' }, detached: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pid = child.pid ?? 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, timeoutMs);
  const { code, signal } = await waitForExit(child);
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const result = (ok: boolean, reason?: string): SmokeResult => ({
    example,
    ok,
    seconds,
    output,
    ...(reason ? { reason } : {}),
  });
  if (timedOut) return result(false, `still running after ${timeoutMs / 1000}s`);
  // Give a well-behaved child's own children a moment to finish exiting with it.
  if (await stillAlive(pid, 2000)) {
    killGroup(pid);
    return result(false, 'exited but left processes running in its group');
  }
  if (code !== 0) return result(false, signal ? `killed by ${signal}` : `exit code ${code}`);
  return result(true);
}

async function stillAlive(pid: number, graceMs: number): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Where a smoke run leaves each example's seconds, for the next run's start order. */
export const SMOKE_SECONDS_FILE = '.cache/smoke-seconds.json';

/**
 * The order the lanes start the examples in: longest first, so the last to finish is a short one
 * and no lane sits idle behind a 30 s demo started last. Lengths come from the previous run (CI's
 * first Node line informs the next two); an example never timed goes by its chapter, later first,
 * since the later chapters start more processes.
 */
export function startOrder(examples: readonly Example[], seconds: Readonly<Record<string, number>>): Example[] {
  const known = (e: Example) => seconds[e.slug];
  return [...examples].sort((a, b) => {
    const [x, y] = [known(a), known(b)];
    if (x !== undefined && y !== undefined) return y - x;
    if (x !== undefined || y !== undefined) return x === undefined ? 1 : -1;
    return b.number - a.number;
  });
}

export function readSmokeSeconds(root: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(join(root, SMOKE_SECONDS_FILE), 'utf8')) as Record<string, number>;
  } catch {
    return {}; // a fresh clone: order by chapter
  }
}

export function rememberSmokeSeconds(root: string, results: readonly SmokeResult[]): void {
  const seconds = readSmokeSeconds(root);
  for (const r of results) seconds[r.example.slug] = Math.round(r.seconds * 10) / 10;
  mkdirSync(join(root, '.cache'), { recursive: true });
  writeFileSync(join(root, SMOKE_SECONDS_FILE), `${JSON.stringify(seconds, null, 2)}\n`);
}
