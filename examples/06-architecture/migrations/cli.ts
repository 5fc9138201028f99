// `pnpm --filter @cookbook/architecture migrate`: run before the new release starts serving,
// once per deploy (a release step or an init container), never from inside every app process.
import { createDatabase } from '../app/config/database.js';
import { loadConfig } from '../app/config/environment.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';

async function run(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const db = createDatabase(config.databaseUrl, { poolMax: 1 });
  try {
    const applied = await migrate(db, migrations);
    console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema is up to date');
    return 0;
  } catch (error) {
    console.error(`migration failed, nothing applied: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await run();
