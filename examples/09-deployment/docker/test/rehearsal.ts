import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Stage } from './dockerfile-policy.js';

/** A .dockerignore's patterns, as far as this package uses them: `**\/name` and root-relative paths. */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  return (path) =>
    patterns.some((pattern) =>
      pattern.startsWith('**/')
        ? matches(pattern.slice(3), basename(path))
        : path === pattern || path.startsWith(`${pattern}/`),
    );
}

function matches(glob: string, name: string): boolean {
  const regex = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return regex.test(name);
}

/**
 * Plays a build stage without a Docker engine: its COPY lines copy from the context (minus the
 * ignored paths) into `root`, its pnpm RUN lines run there from the local store, `/out` lands in `root/out`.
 */
export function rehearseBuildStage(stage: Stage, context: string, ignored: (path: string) => boolean, root: string) {
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'COPY') {
      const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
      const dest = join(root, parts.pop() as string);
      for (const source of parts) {
        const target = source.endsWith('/') ? dest : join(dest, basename(source));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(context, source), target, {
          recursive: true,
          filter: (path) => !ignored(relative(context, path)),
        });
      }
    }
    if (keyword === 'RUN') {
      const words = args.split(/\s+/).filter((word) => !word.startsWith('--mount='));
      if (words[0] !== 'pnpm') continue; // installing pnpm itself: the host has it
      const pnpmArgs = words.slice(1).map((word) => (word.startsWith('/out') ? join(root, word) : word));
      // The store normally holds every package the lockfile names; fetch only what it lacks.
      const cacheFirst = pnpmArgs.includes('install') || pnpmArgs.includes('deploy') ? ['--prefer-offline'] : [];
      execFileSync('pnpm', [...pnpmArgs, ...cacheFirst], { cwd: root, stdio: 'pipe' });
    }
  }
}

/** The runtime stage's `COPY --from=build` lines, applied from the rehearsed build into `app` (moved: faster). */
export function assembleRuntime(stage: Stage, buildRoot: string, app: string): void {
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'COPY' || !args.includes('--from=')) continue;
    const [source = '', dest = ''] = args.split(/\s+/).filter((part) => !part.startsWith('--'));
    const from = source.startsWith('/repo/') ? join(buildRoot, source.slice('/repo/'.length)) : join(buildRoot, source);
    const target = join(app, dest === './' ? basename(source) : dest);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(from, target);
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
