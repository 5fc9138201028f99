import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** A spawned TypeScript entry whose stdout lines the test can wait for. */
export interface Spawned {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already seen or future) matching `pattern`, or rejects at the deadline. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with what `check` returns once it returns something, or rejects at the deadline. */
  waitUntil<T>(check: (lines: string[]) => T | undefined, timeoutMs?: number): Promise<T>;
  exited: Promise<number | null>;
}

export function spawnTs(file: URL, args: string[] = []): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(file), ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  function waitUntil<T>(check: (lines: string[]) => T | undefined, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out; output so far:\n${lines.join('\n')}`))),
        timeoutMs,
      );
      const test = () => {
        const value = check(lines);
        if (value !== undefined) finish(() => resolve(value));
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
    waitUntil((all) => all.map((line) => line.match(pattern)).find((m) => m !== null) ?? undefined, timeoutMs);
  return { child, lines, waitUntil, waitForLine, exited };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process if it is still running (cleanup in `afterAll`/`finally`). */
export function killIfAlive(pid: number | undefined): void {
  if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** GET on a fresh connection (no keep-alive), so the cluster can hand each one to another worker. */
export function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error('no response within 2 s')));
    request.on('error', reject);
  });
}
