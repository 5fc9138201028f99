import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Example, loadExample } from '../src/catalog.js';
import { inputsDigest, StepCache } from '../src/step-cache.js';

/** A checkout with two examples, the shared package and the runner, as the digest reads them. */
function checkout() {
  const root = mkdtempSync(join(tmpdir(), 'step-cache-'));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (slug: string) =>
    JSON.stringify({
      name: `@fixture/${slug}`,
      cookbook: { question: 'Q1', title: slug, summary: slug, services: [], recipes: { only: 'one' } },
    });
  for (const folder of ['01-first', '02-second']) {
    write(`examples/${folder}/package.json`, manifest(folder.slice(3)));
    write(`examples/${folder}/src/main.ts`, 'export {};\n');
  }
  write('shared/src/index.ts', 'export {};\n');
  write('scripts/src/smoke.ts', 'export {};\n');
  write('pnpm-lock.yaml', 'lockfileVersion: 9\n');
  const examples = ['01-first', '02-second'].map((f) => loadExample(join(root, 'examples', f)));
  const digests = () => new Map(examples.map((e) => [e, inputsDigest(root, e, {})] as const));
  const folders = (list: Example[]) => list.map((e) => e.folder);
  return { root, write, digests, folders };
}

describe('the smoke and copy steps replay a pass while inputs are unchanged', () => {
  it('runs every example the first time, none after a pass, and only the changed one after an edit', () => {
    const { root, write, digests, folders } = checkout();
    const cache = new StepCache(root);
    expect(folders(cache.stale('smoke', digests()))).toEqual(['01-first', '02-second']);
    cache.remember('smoke', digests());
    expect(new StepCache(root).stale('smoke', digests())).toEqual([]); // kept on disk
    expect(folders(cache.stale('copy', digests()))).toEqual(['01-first', '02-second']); // per step

    write('examples/02-second/src/main.ts', 'export const changed = true;\n');
    expect(folders(cache.stale('smoke', digests()))).toEqual(['02-second']);
  });

  it('reruns everything when the shared package, the runner or the lockfile changes, not for test reports', () => {
    const { root, write, digests } = checkout();
    const cache = new StepCache(root);
    cache.remember('smoke', digests());
    write('examples/01-first/test-results.json', '{}');
    write('examples/01-first/.turbo/turbo-test.log', 'log');
    expect(cache.stale('smoke', digests())).toEqual([]);
    for (const input of ['shared/src/index.ts', 'scripts/src/smoke.ts', 'pnpm-lock.yaml']) {
      cache.remember('smoke', digests());
      write(input, `// ${input} changed\n`);
      expect(cache.stale('smoke', digests())).toHaveLength(2);
    }
  });

  it('reruns when the service URLs differ from the pass', () => {
    const { root, digests } = checkout();
    const cache = new StepCache(root);
    cache.remember('smoke', digests());
    const [example] = digests().keys();
    const elsewhere = new Map([
      [example as Example, inputsDigest(root, example as Example, { DATABASE_URL: 'postgres://other' })],
    ]);
    expect(cache.stale('smoke', elsewhere)).toHaveLength(1);
  });
});
