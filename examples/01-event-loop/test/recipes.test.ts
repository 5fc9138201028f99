import { runRecipes } from '@cookbook/shared';
import { recipeTableMismatches } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recipes } from '../src/main.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('src/main.ts', () => {
  it('lists every recipe of the manifest, in its order', () => {
    expect(recipeTableMismatches(recipes, new URL('../package.json', import.meta.url))).toEqual([]);
  });

  it('runs every recipe in smoke mode and exits 0', async () => {
    vi.stubEnv('COOKBOOK_SMOKE', '1');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    expect(await runRecipes(recipes, { argv: [] })).toBe(0);
    for (const name of Object.keys(recipes)) expect(printed.some((line) => line.includes(`== ${name}:`))).toBe(true);
  }, 90_000); // the CPU demos, slowed by a loaded machine or the mutation tester's instrumentation
});
