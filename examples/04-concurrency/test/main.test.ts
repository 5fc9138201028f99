import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recipes } from '../src/main.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  cookbook: { services: string[]; recipes: Record<string, string> };
};

describe('src/main.ts', () => {
  it('lists every recipe of the manifest, in its order, and nothing else', () => {
    expect(Object.keys(recipes)).toEqual(Object.keys(manifest.cookbook.recipes));
  });

  it('asks only for services the manifest declares', () => {
    for (const entry of Object.values(recipes)) {
      for (const service of entry.services) expect(manifest.cookbook.services).toContain(service);
    }
  });
});
