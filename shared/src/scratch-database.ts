import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  /** Connection URL of the fresh, empty database. */
  url: string;
  name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** A unique name, safe to interpolate as an identifier: letters, digits and underscores only. */
export function uniqueName(label: string, separator = '_'): string {
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .slice(0, 24);
  return ['cb', clean, randomBytes(4).toString('hex')].filter(Boolean).join(separator);
}

/**
 * Creates an empty database next to the one `adminUrl` points at: one per test file, demo or bench,
 * so runs never see each other's rows. Call `drop()` when done.
 */
export async function createScratchDatabase(adminUrl: string, label = 'scratch'): Promise<ScratchDatabase> {
  const name = uniqueName(label);
  await withClient(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
    // Under `vitest`, the run's global teardown drops what a file interrupted before its own drop left.
    const run = process.env[TEST_RUN_VARIABLE];
    if (run) await client.query(`COMMENT ON DATABASE "${name}" IS '${testRunComment(run)}'`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withClient(adminUrl, async (client) => {
        // A pool's end() resolves before its sockets close; forcing the drop then ends those sessions
        // mid-goodbye and their clients emit 57P01, often where no one listens. Give them a moment to
        // leave on their own, and force only what is still there after it.
        await sessionsGone(client, name, 2_000);
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

/** Set by the test global setup for the processes of one run; marks the databases they create. */
export const TEST_RUN_VARIABLE = 'COOKBOOK_TEST_RUN';
const testRunComment = (run: string) => `cookbook test run ${run.replace(/[^a-z0-9]/g, '')}`;

/** Drops every database a run's processes created and left behind (an interrupted file's, say). */
export async function dropRunDatabases(adminUrl: string, run: string): Promise<string[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d JOIN pg_shdescription s ON s.objoid = d.oid
        AND s.classoid = 'pg_database'::regclass WHERE s.description = $1`,
      [testRunComment(run)],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.map((row) => row.datname);
  });
}

async function sessionsGone(client: pg.Client, database: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    if ((rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
