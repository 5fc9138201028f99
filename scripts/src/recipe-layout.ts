import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Example } from './catalog.js';

/** Files of a recipe folder that wire it up or prove it, and are not part of what a reader copies. */
export function isCopyable(path: string): boolean {
  const name = path.split(sep).at(-1) ?? path;
  if (!/\.(ts|mts|mjs|js)$/.test(name) || name.endsWith('.d.ts')) return false;
  return name !== 'demo.ts' && !/\.(test|bench)\.ts$/.test(name) && !path.split(sep).includes('test');
}

/** Folders that `.gitignore` keeps out of the repository: installs, builds, caches, coverage. */
const GENERATED = new Set(['node_modules', 'dist', '.turbo', 'coverage', '.cookbook', 'tmp', '.cache']);

/** The files under `dir` that belong to the repository: never a build's `dist/` beside the sources. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && GENERATED.has(entry.name)) return [];
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** Every `from '…'`, `import('…')` and `import '…'` specifier in a source file. */
export function importSpecifiers(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm);
  return [...found].map((match) => match[1] as string);
}

/** The package a bare specifier names: `pg`, `@types/pg`, `pg-copy-streams/x` → `pg-copy-streams`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** The shared-part folders a recipe README names, as "copy `../broker/` too". */
export function namedSharedParts(readme: string): string[] {
  return [...readme.matchAll(/`\.\.\/([a-z0-9-]+)\/`/g)].map((match) => match[1] as string);
}

/**
 * What keeps one recipe folder from being copied out on its own: a missing README, demo or test,
 * and copyable files that import past the folders its README names, `@cookbook/*`, or a package
 * the manifest does not list as a runtime dependency.
 */
export function recipeLayoutProblems(example: Example): string[] {
  const where = `examples/${example.folder}`;
  const manifest = JSON.parse(readFileSync(join(example.dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
  const problems: string[] = [];
  for (const name of Object.keys(example.recipes)) {
    const dir = join(example.dir, name);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      problems.push(`${where}: recipe "${name}" has no folder ${name}/`);
      continue;
    }
    const files = listFiles(dir);
    const readmePath = join(dir, 'README.md');
    if (!existsSync(readmePath)) problems.push(`${where}/${name}: no README.md`);
    if (!existsSync(join(dir, 'demo.ts'))) problems.push(`${where}/${name}: no demo.ts`);
    if (!files.some((f) => f.endsWith('.test.ts'))) problems.push(`${where}/${name}: no *.test.ts`);
    const parts = existsSync(readmePath) ? namedSharedParts(readFileSync(readmePath, 'utf8')) : [];
    const allowed = [dir, ...parts.map((part) => join(example.dir, part))];
    for (const part of parts) {
      if (!existsSync(join(example.dir, part)))
        problems.push(`${where}/${name}: README names ../${part}/, which is missing`);
    }
    for (const file of [...files, ...parts.flatMap((part) => listFiles(join(example.dir, part)))]) {
      if (!isCopyable(file)) continue;
      for (const problem of importProblems(file, allowed, runtime)) {
        problems.push(`${where}/${relative(example.dir, file)}: ${problem}`);
      }
    }
  }
  return problems;
}

function importProblems(file: string, allowed: readonly string[], runtime: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      if (!allowed.some((dir) => target === dir || target.startsWith(`${dir}${sep}`))) {
        problems.push(`imports ${specifier}, outside its folder and the shared parts its README names`);
      }
      continue;
    }
    const name = packageOf(specifier);
    if (name.startsWith('@cookbook/')) problems.push(`imports ${specifier}; recipe code takes services as parameters`);
    else if (!runtime.has(name)) problems.push(`imports ${name}, which is not in the package's dependencies`);
  }
  return problems;
}
