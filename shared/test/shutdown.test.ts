import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = new URL('./fixtures/shutdown-child.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];

function start(cleanupMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, CLEANUP_MS: String(cleanupMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  const waitFor = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => output.includes(text) && resolve();
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        check();
      });
      check();
    });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return { child, waitFor, exited, output: () => output };
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('onShutdown', () => {
  it('runs the cleanup once and exits 0, ignoring the same Ctrl-C relayed as SIGTERM', async () => {
    const { child, waitFor, exited, output } = start(300);
    await waitFor('ready');
    child.kill('SIGINT');
    child.kill('SIGTERM'); // what a wrapper such as pnpm or tsx sends right behind the terminal's SIGINT
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain('cleanup done');
    expect(output().match(/cleanup started/g)).toHaveLength(1);
  });

  it('exits 1 at once on a second signal sent after the relay window', async () => {
    const { child, waitFor, exited, output } = start(30_000);
    await waitFor('ready');
    child.kill('SIGTERM');
    await waitFor('cleanup started');
    await new Promise((resolve) => setTimeout(resolve, 700)); // past the 500 ms relay window, on purpose
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(1);
    expect(output()).not.toContain('cleanup done');
  });
});
