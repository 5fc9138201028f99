import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { isMain } from '@cookbook/shared';
import { type Example, loadCatalog, ROOT } from './catalog.js';
import { isCopyable, listFiles, namedSharedParts } from './recipe-layout.js';

export interface CopyResult {
  ok: boolean;
  /** The compiler's output when it failed. */
  output: string;
}

/**
 * Copies every recipe of `example` the way a reader would (its folder and the shared parts its
 * README names, no demo or test), into a directory outside the workspace whose node_modules hold
 * only the package's runtime dependencies and their types, and type-checks the copy strictly.
 */
export function typecheckCopies(example: Example): CopyResult {
  const scratch = mkdtempSync(join(tmpdir(), `cookbook-copy-${example.slug}-`));
  try {
    const folders = new Set<string>();
    for (const recipe of Object.keys(example.recipes)) {
      folders.add(recipe);
      const readme = join(example.dir, recipe, 'README.md');
      if (existsSync(readme)) for (const part of namedSharedParts(readFileSync(readme, 'utf8'))) folders.add(part);
    }
    for (const folder of folders) {
      for (const file of listFiles(join(example.dir, folder)).filter(isCopyable)) {
        const target = join(scratch, relative(example.dir, file));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(file, target);
      }
    }
    linkDependencies(example, scratch);
    const base = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: object };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ ...base, include: ['**/*.ts'] }));
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    return { ok: tsc.status === 0, output: `${tsc.stdout}${tsc.stderr}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Links the package's runtime dependencies, its @types and @types/node; nothing of the workspace. */
function linkDependencies(example: Example, scratch: string): void {
  const manifest = JSON.parse(readFileSync(join(example.dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const types = Object.keys(manifest.devDependencies ?? {}).filter((name) => name.startsWith('@types/'));
  const wanted = [...Object.keys(manifest.dependencies ?? {}), ...types];
  const links: [string, string][] = wanted.map((name) => [name, join(example.dir, 'node_modules', name)]);
  if (!types.includes('@types/node')) links.push(['@types/node', join(ROOT, 'node_modules/@types/node')]);
  for (const [name, source] of links) {
    const target = join(scratch, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(source), target, 'dir');
  }
}

// `tsx scripts/src/copy-check.ts [folder…]`: type-check the copies of every (or the named) example.
if (isMain(import.meta.url)) {
  const only = process.argv.slice(2);
  const { examples } = loadCatalog();
  let failed = 0;
  for (const example of examples.filter((e) => only.length === 0 || only.includes(e.folder))) {
    const result = typecheckCopies(example);
    console.log(`copy ${result.ok ? 'ok  ' : 'FAIL'} ${example.folder}`);
    if (!result.ok) {
      failed++;
      console.log(result.output);
    }
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
