import { recipeTableMismatches } from '@cookbook/shared/testing';
import { expect, it } from 'vitest';
import { recipes } from '../src/main.js';

it('main.ts lists every recipe of the manifest, in its order, asking only for declared services', () => {
  expect(recipeTableMismatches(recipes, new URL('../package.json', import.meta.url))).toEqual([]);
});
