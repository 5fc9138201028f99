import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const started = new Set<ChildProcess>();

/**
 * Runs `node <args>` the way a container or VM would: plain node (no tsx), in `cwd`, with only
 * `env` (and PATH); resolves once the service logs "listening".
 */
export async function runNode(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then(() => started.delete(child));
  // Every stdout line, so a test can read the service's log after it started.
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  await new Promise<void>((resolve) => {
    reader.on('line', (line) => {
      lines.push(line);
      if (line.includes('"message":"listening"')) resolve();
    });
    reader.once('close', resolve);
  });
  return { child, exited, lines };
}

/** For afterAll: a failed test leaves its server running, which would keep the file from finishing. */
export function killStarted(): void {
  for (const child of started) child.kill('SIGKILL');
}
