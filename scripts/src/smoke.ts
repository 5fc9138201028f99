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
