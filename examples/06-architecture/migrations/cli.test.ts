import { spawnFixture, useTestDatabase } from '@cookbook/shared/testing';
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

describe('the migrate command', () => {
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
});
