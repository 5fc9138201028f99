import { readFileSync } from 'node:fs';
import { runRecipes } from '@cookbook/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recipes } from '../src/main.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  cookbook: { recipes: Record<string, string> };
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('src/main.ts', () => {
  it('lists every recipe of the manifest, in its order', () => {
    expect(Object.keys(recipes)).toEqual(Object.keys(manifest.cookbook.recipes));
  });

  it('runs every recipe in smoke mode and exits 0', async () => {
    vi.stubEnv('COOKBOOK_SMOKE', '1');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    expect(await runRecipes(recipes, { argv: [] })).toBe(0);
    for (const name of Object.keys(recipes)) expect(printed.some((line) => line.includes(`== ${name}:`))).toBe(true);
  });
});
