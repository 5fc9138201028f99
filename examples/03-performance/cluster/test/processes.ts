import { get } from 'node:http';

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs a process if it still runs; one that is already gone (ESRCH) is what cleanup wanted. */
export function killIfAlive(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** GET on a fresh connection (no keep-alive), so the cluster can hand each one to another worker. */
export function getJson<T>(url: string, timeoutMs = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** Worker pids the primary has logged, in order (restarts included). */
export function workerPids(lines: string[], event = 'listening'): number[] {
  return lines.flatMap((line) => line.match(new RegExp(`^worker (\\d+) ${event}`))?.[1] ?? []).map(Number);
}

/** The primary's "worker N stopped (code or signal)" lines, without the prefix, sorted. */
export function stoppedWorkers(lines: string[]): string[] {
  return lines.flatMap((line) => line.match(/^worker (\d+ stopped \(\w+\))$/)?.[1] ?? []).sort();
}
