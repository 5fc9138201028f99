import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Example } from './catalog.js';

export interface RunOptions {
  recipe?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Own process group, so the caller can find and kill anything the example leaves behind. */
  detached?: boolean;
  stdio?: 'inherit' | 'pipe';
}

/** Starts `src/main.ts [recipe] [args]` of an example with tsx, on the Node that runs this script. */
export function runExample(example: Example, options: RunOptions = {}): ChildProcess {
  const argv = ['--import', 'tsx', join(example.dir, 'src/main.ts')];
  if (options.recipe) argv.push(options.recipe);
  argv.push(...(options.args ?? []));
  return spawn(process.execPath, argv, {
    cwd: example.dir,
    env: { ...process.env, ...options.env },
    stdio: options.stdio ?? 'inherit',
    detached: options.detached ?? false,
  });
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
