import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A fresh folder under os.tmpdir() for this test file, removed with everything in it afterwards. */
export function useTempDir(label: string): { readonly path: string; file(name?: string): string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `cookbook-streams-${label}-`));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const path = () => {
    if (!dir) throw new Error('useTempDir() is only available inside hooks and tests');
    return dir;
  };
  return {
    get path() {
      return path();
    },
    file: (name = randomBytes(6).toString('hex')) => join(path(), name),
  };
}
