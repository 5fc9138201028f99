import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog.js';
import { parseRequest } from '../src/test-request.js';

const { examples } = loadCatalog(join(import.meta.dirname, 'fixtures/examples'));

describe('pnpm test arguments', () => {
  it('runs every package when none is named', () => {
    expect(parseRequest(examples, [])).toEqual({ examples, paths: new Map() });
  });

  it('narrows a package to the paths named after it, merged per package', () => {
    const request = parseRequest(examples, ['clean/src', 'failing', 'examples/01-clean/src/main.ts']);
    if (typeof request === 'string') throw new Error(request);
    expect(request.examples.map((e) => e.folder)).toEqual(['01-clean', '02-failing']);
    expect(request.paths).toEqual(new Map([['01-clean', ['src', 'src/main.ts']]]));
  });

  it('refuses an unknown name, a missing path and a path out of the package', () => {
    expect(parseRequest(examples, ['nope'])).toMatch(/^unknown example in: nope/);
    expect(parseRequest(examples, ['clean/missing'])).toBe(
      '01-clean has no missing; name a recipe folder or a test file in it',
    );
    expect(parseRequest(examples, ['clean/../02-failing'])).toMatch(/^01-clean has no \.\.\/02-failing/);
  });
});
