import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CapturedLog } from './lines.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningChild {
  child: ChildProcess;
  /** The child's stdout (JSON log lines) and stderr. */
  stdout: CapturedLog;
  stderr: CapturedLog;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log entry matching `predicate`, or rejects if the child exits first. */
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const running = new Set<ChildProcess>();

/** Runs a TypeScript file of this package in its own Node process, the way pm2 or Docker would. */
export function spawnTs(file: string, env: NodeJS.ProcessEnv): RunningChild {
  return spawnNode(['--import', 'tsx', file], env);
}

/** Runs `node <args>` in `cwd` with only `env` (and PATH): nothing leaks in from the test process. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd = packageRoot): RunningChild {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stdout = new CapturedLog();
  const stderr = new CapturedLog();
  child.stdout?.pipe(stdout);
  child.stderr?.pipe(stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const waitForLog = (predicate: (entry: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = stdout.entries.find(predicate);
        if (!found) return false;
        child.stdout?.off('data', onData);
        resolve(found);
        return true;
      };
      const onData = () => setImmediate(check);
      if (check()) return;
      child.stdout?.on('data', onData);
      void exited.then(() => {
        if (!check()) reject(new Error(`child exited before the expected log line:\n${stdout.raw}\n${stderr.raw}`));
      });
    });
  return { child, stdout, stderr, exited, waitForLog };
}

/** For afterAll: SIGKILL whatever a failed test left running. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
