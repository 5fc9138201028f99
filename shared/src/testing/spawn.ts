import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A TypeScript entry run in its own Node process, whose output lines a test can wait for. */
export interface Fixture {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Every stderr line so far (kept, and shown when a wait times out). */
  errors: string[];
  /** The first stdout line, seen or still to come, that matches `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** What `check` returns once it returns something other than `undefined`. */
  waitUntil<T>(check: (lines: string[]) => T | undefined, timeoutMs?: number): Promise<T>;
  /** The exit code; `null` when a signal ended it. */
  exited: Promise<number | null>;
  /** SIGKILLs the process if it still runs, and waits for it (for `afterEach`/`finally`). */
  kill(): Promise<void>;
}

export interface FixtureOptions {
  args?: readonly string[];
  /**
   * Modules loaded by `--import` after tsx and before `file`, as `node --import tsx --import
   * ./tracing/register.ts app.ts` starts a service. Pass them here, never through NODE_OPTIONS: a
   * `.ts` import there makes tsx fall back from in-thread hooks to the off-thread loader, which
   * costs seconds of start-up per process.
   */
  imports?: readonly (string | URL)[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Opens an IPC channel (`process.send` in the child, `child.send` here), as `fork` does. */
  ipc?: boolean;
}

/**
 * Starts `file` with tsx on the Node that runs the test. Children are how tests kill a process
 * mid-work, send it real signals, or run two instances against one service.
 */
export function spawnFixture(file: URL | string, options: FixtureOptions = {}): Fixture {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const imports = (options.imports ?? []).flatMap((i) => ['--import', typeof i === 'string' ? i : fileURLToPath(i)]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports, path, ...(options.args ?? [])], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  collectLines(child.stdout, lines, () => {
    for (const wake of waiters) wake();
  });
  collectLines(child.stderr, errors, () => {});
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (exitCode) => {
      code = exitCode;
      for (const wake of waiters) wake();
      resolve(exitCode);
    });
  });

  function waitUntil<T>(check: (lines: string[]) => T | undefined, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) =>
        finish(() => reject(new Error(`${why}; stdout:\n${lines.join('\n')}\nstderr:\n${errors.join('\n')}`)));
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const test = () => {
        const value = check(lines);
        if (value !== undefined) finish(() => resolve(value));
        else if (code !== undefined) fail(`the process exited (${code}) first`);
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(test);
        settle();
      };
      waiters.add(test);
      test();
    });
  }
  const waitForLine = (pattern: RegExp, timeoutMs?: number) =>
    waitUntil((all) => all.map((line) => line.match(pattern)).find((match) => match !== null) ?? undefined, timeoutMs);
  const kill = async () => {
    if (code === undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { child, lines, errors, waitForLine, waitUntil, exited, kill };
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[], onLine: () => void): void {
  let buffer = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    into.push(...parts);
    onLine();
  });
  stream?.on('end', () => {
    if (buffer) into.push(buffer);
    onLine();
  });
}
