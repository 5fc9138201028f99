import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A TypeScript entry in its own process, for demos: its JSON stdout lines, and a clean stop. */
export interface DemoProcess {
  child: ChildProcess;
  /** The first JSON line (already printed or still to come) that `pick` returns a value for. */
  json<T>(pick: (line: Record<string, unknown>) => T | undefined): Promise<T>;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  stderr?: 'inherit' | 'ignore';
  /**
   * Loaded by `--import` after tsx, before `file` (tracing's register.ts). On the command line, never
   * in NODE_OPTIONS: a `.ts` import there drops tsx to its off-thread loader, seconds slower to start.
   */
  imports?: readonly URL[];
}

export function startTsx(
  file: URL,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  { stderr = 'inherit', imports = [] }: StartOptions = {},
): DemoProcess {
  const preload = imports.flatMap((i) => ['--import', fileURLToPath(i)]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, fileURLToPath(file), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
  const seen: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    seen.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  return {
    child,
    json: (pick) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (const line of seen) {
            const value = pick(line);
            if (value !== undefined) {
              waiters.delete(check);
              resolve(value);
              return;
            }
          }
        };
        waiters.add(check);
        check();
        void exited.then((code) => {
          if (waiters.delete(check)) reject(new Error(`${fileURLToPath(file)} exited (${code}) first`));
        });
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
