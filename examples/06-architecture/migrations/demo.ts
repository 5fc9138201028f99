import { recipe } from '@cookbook/shared';
import { createDatabase } from '../app/config/database.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import { defineModels } from '../app/models/index.js';
import { naiveSyncSchema } from './naive-sync.js';

export const migrationsDemo = recipe({
  services: ['postgres'],
  title: 'ordered SQL migrations run by a script, never sync() at startup',
  lookFor: 'sync() leaves an existing table as it was; the migration adds the column',
  async run({ scratchDatabase, defer, log }) {
    const db = createDatabase(await scratchDatabase('arch_migrations'), { poolMax: 2 });
    defer(() => db.close());
    log(`the previous release migrated to 002: ${await migrate(db, migrations, { to: '002-create-products' })}`);
    await naiveSyncSchema(db);
    const error = await defineModels(db)
      .Product.findAll()
      .then(
        () => 'no error',
        (e: Error) => e.message,
      );
    log(`after sync(), reading products: ${error}`);
    log(`migrate() applies: ${await migrate(db, migrations)}; products read fine`);
    log(`a second migrate() applies: ${JSON.stringify(await migrate(db, migrations))}`);
  },
});
