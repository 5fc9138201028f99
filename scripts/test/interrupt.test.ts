import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/catalog.js';
import { groupAlive } from '../src/run-example.js';

describe('Ctrl-C during pnpm test', () => {
  it('stops the running step, waits for it, leaves no process behind, and exits 130', async () => {
    // Its own process group, as a terminal's foreground job is: the signal goes to the whole group.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/src/test.ts'), 'event-loop'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TURBO_FORCE: 'true', COOKBOOK_NESTED_RUN: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // Mid-run: vitest has started the package's tests, which take seconds.
    await waitUntil(() => /event-loop:test: .*RUN.*v\d/.test(output), 'the tests to start', 60_000);
    process.kill(-(child.pid ?? 0), 'SIGINT');
    const [code] = await exited;
    expect(code).toBe(130);
    expect(output).toContain('SIGINT: stopping the running step');
    expect(output).not.toContain('▶ smoke');
    // The signal reached vitest, which stopped rather than finish its files.
    expect(output).not.toMatch(/Test Files .*passed/);
    await waitUntil(() => !groupAlive(child.pid ?? 0), 'every process of the run to exit', 10_000);
  });
});
