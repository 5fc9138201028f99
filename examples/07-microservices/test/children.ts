import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const running = new Set<ChildProcess>();

/** Runs a TypeScript file from test/fixtures in its own Node process, with an IPC channel. */
export function spawnFixture(name: string, env: Record<string, string>): ChildProcess {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Resolves with the exit code and signal, and everything the child wrote to stderr. */
export async function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode, stderr };
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal, stderr };
}

/** Resolves on the first IPC message that `accept` likes; rejects if the child exits first. */
export function message<T>(child: ChildProcess, accept: (value: unknown) => value is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (value: unknown) => {
      if (!accept(value)) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(value);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`child exited (code ${code}) before sending the expected message`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** For afterAll: no child outlives the test file. */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exit = once(child, 'exit');
      child.kill('SIGKILL');
      await exit;
    }),
  );
}
