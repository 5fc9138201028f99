import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A tsx child with an IPC channel; `kill()` it in afterAll/finally. */
export function spawnTsChild(fixture: string, args: readonly string[]): ChildProcess {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  return fork(file, [...args], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next IPC message of `type`, or a rejection when the child exits first or the deadline passes. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message?.type === type) finish(undefined, message);
    };
    const onExit = (code: number | null) => finish(new Error(`child exited (${code}) before sending "${type}"`));
    function finish(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function killAll(children: readonly ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
