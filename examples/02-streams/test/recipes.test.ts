import { readFileSync } from 'node:fs';
import { runRecipes } from '@cookbook/shared';
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

describe('read-file size argument', () => {
  it('takes a whole number of MiB, or the default when there is none', () => {
    expect(fileSizeMiB(['1024'], 512)).toBe(1024);
    expect(fileSizeMiB([], 512)).toBe(512);
  });

  it.each(['lots', '0', '1.5', '9000'])('rejects "%s" with a message that names the fix', (size) => {
    expect(() => fileSizeMiB([size], 512)).toThrow(/size must be a whole number of MiB from 1 to 8192/);
  });
});
