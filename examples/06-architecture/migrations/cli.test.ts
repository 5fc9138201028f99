import { createTestDatabase, spawnFixture, testServices, useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrations } from '../app/migrations/index.js';

const ALL = migrations.map((m) => m.name);
const database = useTestDatabase('arch-migrate-cli');
const CLI = new URL('./cli.ts', import.meta.url);

/** Runs the migrate command to its end: exit code, stdout lines, stderr lines. */
async function runCli(env: NodeJS.ProcessEnv, args: string[] = []) {
  const fixture = spawnFixture(CLI, { env, args });
  const code = await fixture.exited;
  return { code, out: fixture.lines, err: fixture.errors };
}

/** The tables named like ours in the server's default database, the one an unset DATABASE_URL used to mean. */
async function ourTablesInDefaultDatabase(): Promise<(string | null)[]> {
  const url = new URL(testServices().databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string | null }>(
      "SELECT to_regclass(name)::text AS name FROM unnest(ARRAY['public.schema_migrations', 'public.users']) AS name",
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

// Each case starts the CLI in its own Node process (tsx) two to four times; on a loaded 2-core machine
// one start takes seconds, so the default 30 s is not enough for a case.
describe('the migrate command', { timeout: 120_000 }, () => {
  it('applies the pending migrations, then reports the schema up to date; a bad DATABASE_URL exits 2', async () => {
    const [first, bad] = await Promise.all([
      runCli({ DATABASE_URL: database.url }),
      runCli({ DATABASE_URL: 'mysql://db/app' }),
    ]);
    expect(first).toEqual({ code: 0, out: [`applied ${ALL.join(', ')}`], err: [] });
    expect(await runCli({ DATABASE_URL: database.url })).toEqual({ code: 0, out: ['schema is up to date'], err: [] });
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/DATABASE_URL/);
  });

  // #region unset-url-test
  it('without DATABASE_URL it refuses, names the variable, and writes to no database', async () => {
    const before = await ourTablesInDefaultDatabase();
    const unset = await runCli({ DATABASE_URL: undefined, PGDATABASE: undefined });
    expect(unset.code).toBe(2);
    expect(unset.err[0]).toMatch(/DATABASE_URL is not set: point it at the database to use/);
    expect(unset.out).toEqual([]);
    // A URL with no database in it would let pg pick one after the user name: refused the same way.
    // (Port 1: should the check ever go, this run fails to connect instead of migrating a real server.)
    const nameless = await runCli({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1' });
    expect([nameless.code, nameless.err[0]]).toEqual([2, expect.stringMatching(/DATABASE_URL names no database/)]);
    expect(await ourTablesInDefaultDatabase()).toEqual(before);
  });
  // #endregion unset-url-test

  it('reads its options with util.parseArgs: --to stops early, --help prints usage, an unknown flag exits 2', async () => {
    const help = await runCli({ DATABASE_URL: undefined }, ['--help']);
    expect([help.code, help.out[0]]).toEqual([0, expect.stringMatching(/^usage: DATABASE_URL=/)]);
    expect(help.out.join('\n')).toContain(`(${ALL.join(', ')})`); // what --to accepts
    const fresh = await createTestDatabase(testServices().databaseUrl, 'arch-cli-to');
    try {
      expect((await runCli({ DATABASE_URL: fresh.url }, ['--to', '001-create-users'])).out).toEqual([
        'applied 001-create-users',
      ]);
    } finally {
      await fresh.drop();
    }
    const unknown = await runCli({ DATABASE_URL: database.url }, ['--dry-run']);
    expect([unknown.code, unknown.err[0]]).toEqual([2, expect.stringMatching(/Unknown option '--dry-run'/)]);
    const missingValue = await runCli({ DATABASE_URL: database.url }, ['--to']);
    expect(missingValue.code).toBe(2);
  });

  it('a migration that fails exits 1, says nothing was applied and why, and prints no success line', async () => {
    const ahead = await createTestDatabase(testServices().databaseUrl, 'arch-cli-ahead');
    try {
      expect((await runCli({ DATABASE_URL: ahead.url })).code).toBe(0);
      // A newer release's migration recorded here: this one refuses to run an unknown history.
      const client = new pg.Client({ connectionString: ahead.url });
      await client.connect();
      await client.query("INSERT INTO schema_migrations (name) VALUES ('099-from-the-future')");
      await client.end();
      const failed = await runCli({ DATABASE_URL: ahead.url });
      expect(failed.code).toBe(1);
      expect(failed.err[0]).toMatch(/^migration failed, nothing applied: .*099-from-the-future/);
      expect(failed.out).toEqual([]);
    } finally {
      await ahead.drop();
    }
  });
});
