import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recipe } from '@cookbook/shared';
import pg from 'pg';
import { importCsv } from './csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';

export const csvImportDemo = recipe({
  services: ['postgres'],
  title: 'CSV → validate → COPY in per-batch transactions',
  lookFor: 'three rejected rows with their line numbers; every other row inserted.',
  async run({ smoke, defer, scratchDatabase, log }) {
    const rows = smoke ? 5_000 : 100_000;
    const batchSize = 5_000;
    const pool = new pg.Pool({
      connectionString: await scratchDatabase('streams_csv'),
      max: 2,
      connectionTimeoutMillis: 10_000,
    });
    defer(() => pool.end());
    const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-csv-'));
    defer(() => rm(directory, { recursive: true, force: true }));
    const file = join(directory, 'people.csv');
    const rejectsFile = join(directory, 'rejects.ndjson');
    await writePeopleCsv(file, rows, { 3: BAD_ROW.missingEmail, 50: BAD_ROW.badNumber, 400: BAD_ROW.badEmail });
    await createPeopleTable(pool);
    log(`${rows.toLocaleString('en-US')} rows in batches of ${batchSize.toLocaleString('en-US')}:`);
    const started = performance.now();
    const counts = await importCsv({
      pool,
      file,
      rejectsFile,
      batchSize,
      onBatch: ({ batches, inserted }) => batches % 5 === 0 && log(`batch ${batches} committed, ${inserted} rows in`),
    });
    const seconds = (performance.now() - started) / 1000;
    log(`${JSON.stringify(counts)} in ${seconds.toFixed(2)} s (${Math.round(counts.inserted / seconds)} rows/s)`);
    log('rejects file:');
    for (const line of (await readFile(rejectsFile, 'utf8')).trim().split('\n')) log(line);
  },
});
