import { readFileSync } from 'node:fs';
import { runRecipes } from '@cookbook/shared';
import { spawnFixture } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileSizeMiB } from '../read-file/demo.js';
import { recipes } from '../src/main.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  cookbook: { recipes: Record<string, string> };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('src/main.ts', () => {
  it('lists every recipe of the manifest, in its order', () => {
    expect(Object.keys(recipes)).toEqual(Object.keys(manifest.cookbook.recipes));
  });

  it('names the valid recipes and returns 1 for an unknown one', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(String(line)));
    expect(await runRecipes(recipes, { argv: ['no-such-recipe'] })).toBe(1);
    const named = Object.keys(manifest.cookbook.recipes).map((name) => printed.findIndex((l) => l.includes(name)));
    expect(named.every((at) => at > 0)).toBe(true);
    expect(named).toEqual([...named].sort((a, b) => a - b));
  });
});

describe('upload, run on its own', () => {
  it('keeps serving until stopped, then stops cleanly (SIGTERM: exit code 0)', async () => {
    const server = spawnFixture(new URL('../src/main.ts', import.meta.url), { args: ['upload'], env: { PORT: '0' } });
    try {
      const [, url] = await server.waitForLine(/Listening on (http:\S+):/, 60_000);
      const answer = await fetch(`${url}/files`, { method: 'POST' });
      expect({ status: answer.status, body: await answer.json() }).toMatchObject({
        status: 400,
        body: { field: 'content-type' },
      });
      await server.waitForLine(/Ctrl-C to stop/, 60_000);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      await server.kill();
    }
  });
});

describe('read-file size argument', () => {
  it('takes a whole number of MiB, or the default when there is none', () => {
    expect(fileSizeMiB(['1024'], 512)).toBe(1024);
    expect(fileSizeMiB([], 512)).toBe(512);
  });

  it('a bad size fails the run with a message that names the fix', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(String(line)));
    expect(await runRecipes(recipes, { argv: ['read-file', 'lots'] })).toBe(1);
    expect(printed.join('\n')).toMatch(/size must be a whole number of MiB from 1 to 8192, got "lots"/);
  });

  it.each(['lots', '0', '1.5', '9000'])('rejects "%s" with a message that names the fix', (size) => {
    expect(() => fileSizeMiB([size], 512)).toThrow(/size must be a whole number of MiB from 1 to 8192/);
  });
});
