import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Example } from './catalog.js';
import { listFiles } from './recipe-layout.js';

/** What a run writes beside the sources; it must not make the next run's inputs look changed. */
const OUTPUTS = /(^|\/)(\.turbo|coverage|dist|test-results\.json)(\/|$)/;

/**
 * A digest of everything a package's smoke or copy check reads: its own files, the shared package,
 * the runner, the lockfile, the Node version and the service URLs. Equal digests mean the check
 * would see exactly what it saw when it last passed, so `pnpm test` replays the pass, as turbo
 * replays a cached test task.
 */
export function inputsDigest(root: string, example: Example, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256').update(`${process.version}\0`);
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL']) hash.update(`${name}=${env[name] ?? ''}\0`);
  const dirs = [example.dir, join(root, 'shared/src'), join(root, 'scripts/src')];
  const files = dirs.flatMap((dir) => listFiles(dir)).concat(join(root, 'pnpm-lock.yaml'));
  for (const file of files
    .map((f) => relative(root, f))
    .filter((f) => !OUTPUTS.test(f))
    .sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** The digests each step last passed with, per example folder, kept under `.cache/` of the checkout. */
export class StepCache {
  readonly #file: string;
  readonly #passed: Record<string, Record<string, string>>;

  constructor(root: string) {
    this.#file = join(root, '.cache/steps.json');
    this.#passed =
      existsSync(this.#file) && statSync(this.#file).size > 0 ? JSON.parse(readFileSync(this.#file, 'utf8')) : {};
  }

  /** Examples whose step must run again: never passed, or passed on other inputs. */
  stale(step: string, digests: ReadonlyMap<Example, string>): Example[] {
    return [...digests].filter(([example, digest]) => this.#passed[step]?.[example.folder] !== digest).map(([e]) => e);
  }

  remember(step: string, digests: ReadonlyMap<Example, string>): void {
    this.#passed[step] ??= {};
    const passed = this.#passed[step];
    for (const [example, digest] of digests) passed[example.folder] = digest;
    mkdirSync(join(this.#file, '..'), { recursive: true });
    writeFileSync(this.#file, `${JSON.stringify(this.#passed, null, 2)}\n`);
  }
}
