import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { recipes } from '../src/main.js';

it('main.ts lists every recipe of the manifest, in its order', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    cookbook: { recipes: Record<string, string> };
  };
  expect(Object.keys(recipes)).toEqual(Object.keys(manifest.cookbook.recipes));
});
