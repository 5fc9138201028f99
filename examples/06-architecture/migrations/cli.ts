// `pnpm --filter @cookbook/architecture migrate [--to <name>]`: run before the new release starts
// serving, once per deploy (a release step or an init container), never from inside every app process.
import { parseArgs } from 'node:util';
import { createDatabase } from '../app/config/database.js';
import { loadConfig } from '../app/config/environment.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';

const USAGE = `usage: DATABASE_URL=postgres://user@host:5432/app migrate [--to <migration>]
  --to <migration>   stop after this one (${migrations.map((m) => m.name).join(', ')})
(The URL comes from the environment, not a flag: a flag would show its password in ps.)`;

const MIGRATION_STATEMENT_TIMEOUT_MS = 15 * 60_000;

// #region migrate-command
/** Exit codes: 0 done, 1 the migration failed (nothing applied), 2 the command was used wrongly. */
async function runMigrateCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: { to?: string; help?: boolean };
  let databaseUrl: string;
  try {
    // Node's own argument parser: unknown flags and a --to with no value are errors, not ignored.
    options = parseArgs({
      args: argv,
      options: { to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    databaseUrl = loadConfig(env).databaseUrl; // no DATABASE_URL: refuse before connecting anywhere
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  // #endregion migrate-command
  // A migration may rewrite a big table, or wait for another deploy's migration lock: minutes, where a
  // request gets seconds. Connecting keeps the request bound: a database that does not answer fails fast.
  const db = createDatabase(databaseUrl, {
    poolMax: 1,
    statementTimeoutMs: MIGRATION_STATEMENT_TIMEOUT_MS,
    applicationName: 'architecture-migrate',
  });
  try {
    // Stryker disable next-line ConditionalExpression: { to: undefined } is read as no --to, the same as {}
    const applied = await migrate(db, migrations, options.to === undefined ? {} : { to: options.to });
    console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema is up to date');
    return 0;
  } catch (error) {
    console.error(`migration failed, nothing applied: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await runMigrateCommand(process.argv.slice(2), process.env);
