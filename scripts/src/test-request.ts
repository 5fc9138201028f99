import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Example, findExample } from './catalog.js';

export interface TestRequest {
  examples: Example[];
  /** Package folder → the folders and files under it to test, for names given as `name/path`. */
  paths: Map<string, string[]>;
}

/**
 * `[name[/path]…]` → the packages to run and the paths chosen in each, or the message for a bad name.
 * A path as the shell completes it (`examples/02-streams/csv-import/`) works too.
 */
export function parseRequest(examples: readonly Example[], argv: readonly string[]): TestRequest | string {
  if (argv.length === 0) return { examples: [...examples], paths: new Map() };
  const chosen = new Set<Example>();
  const paths = new Map<string, string[]>();
  for (const arg of argv) {
    const [name = '', ...rest] = arg.replace(/^(\.\/)?examples\//, '').split('/');
    const example = findExample(examples, name);
    if (!example) return `unknown example in: ${argv.join(' ')}; run \`pnpm example\` to list them`;
    chosen.add(example);
    const path = rest.filter((part) => part !== '').join('/');
    if (path === '') continue;
    if (rest.includes('..') || !existsSync(join(example.dir, path))) {
      return `${example.folder} has no ${path}; name a recipe folder or a test file in it`;
    }
    paths.set(example.folder, [...(paths.get(example.folder) ?? []), path]);
  }
  return { examples: [...chosen], paths };
}
