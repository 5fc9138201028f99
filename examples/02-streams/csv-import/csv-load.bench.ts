import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveServices } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyBatch } from './copy-batches.js';
import { importCsv } from './csv-import.js';
import { createPeopleTable, type Person, toCsvLine } from './people.js';
import { writePeopleCsv } from './people-csv.js';

// One 100k-row file, loaded four ways into a fresh table each. Row-by-row INSERT runs on the first
// 5k rows only (at 0.5-3k rows/s the full file would take minutes); rows/s is comparable.
const ROWS = 100_000;
const ROW_BY_ROW_ROWS = 5_000;

const services = await resolveServices(['postgres']);
const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 2 });
const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-bench-'));
const file = join(directory, 'people.csv');
const tables: string[] = [];

async function freshTable(label: string): Promise<string> {
  const table = `streams_bench_${label}_${process.pid}`;
  tables.push(table);
  await createPeopleTable(pool, table);
  return table;
}

const people: Person[] = Array.from({ length: ROWS }, (_, i) => ({
  email: `person${i + 1}@example.com`,
  name: `Person ${i + 1}`,
  age: (i + 1) % 90,
}));

const loaders: Record<string, { rows: number; load: (table: string) => Promise<unknown> }> = {
  'INSERT per row (awaited)': {
    rows: ROW_BY_ROW_ROWS,
    load: async (table) => {
      for (const p of people.slice(0, ROW_BY_ROW_ROWS)) {
        await pool.query(`INSERT INTO ${table} (email, name, age) VALUES ($1, $2, $3)`, [p.email, p.name, p.age]);
      }
    },
  },
  'multi-row INSERT, 1,000 rows each': {
    rows: ROWS,
    load: async (table) => {
      for (let at = 0; at < ROWS; at += 1000) {
        const batch = people.slice(at, at + 1000);
        const values = batch.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
        const params = batch.flatMap((p) => [p.email, p.name, p.age]);
        await pool.query(`INSERT INTO ${table} (email, name, age) VALUES ${values}`, params);
      }
    },
  },
  'COPY straight into the table, 5,000-row transactions': {
    rows: ROWS,
    load: async (table) => {
      for (let at = 0; at < ROWS; at += 5000) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const lines = people
            .slice(at, at + 5000)
            .map(toCsvLine)
            .join('');
          await pipeline(
            Readable.from([lines]),
            client.query(copyFrom(`COPY ${table} (email, name, age) FROM STDIN (FORMAT csv)`)),
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    },
  },
  'COPY via staging table + ON CONFLICT merge (copyBatch)': {
    rows: ROWS,
    load: async (table) => {
      for (let at = 0; at < ROWS; at += 5000) await copyBatch(pool, table, people.slice(at, at + 5000));
    },
  },
  'importCsv: file → csv-parser → validate → COPY': {
    rows: ROWS,
    load: (table) => importCsv({ pool, file, rejectsFile: join(directory, 'rejects.ndjson'), table, batchSize: 5000 }),
  },
};

try {
  await writePeopleCsv(file, ROWS);
  const results: { name: string; rowsPerSecond: number; rows: number }[] = [];
  for (const [name, { rows, load }] of Object.entries(loaders)) {
    const table = await freshTable(String(results.length));
    const started = performance.now();
    await load(table);
    const seconds = (performance.now() - started) / 1000;
    results.push({ name, rows, rowsPerSecond: rows / seconds });
    console.log(`${name}: ${Math.round(rows / seconds)} rows/s`);
  }
  const baseline = results[0]?.rowsPerSecond ?? 1;
  reportBench(
    'csv-load',
    `Loading ${ROWS.toLocaleString('en-US')} people into Postgres (row-by-row on the first ${ROW_BY_ROW_ROWS.toLocaleString('en-US')}):\n\n` +
      markdownTable(
        ['loader', 'rows', 'rows/s', 'vs row-by-row'],
        results.map((r) => [r.name, r.rows, Math.round(r.rowsPerSecond), ratio(r.rowsPerSecond, baseline)]),
      ),
  );
} finally {
  for (const table of tables) await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
  await services.stop();
  await rm(directory, { recursive: true, force: true });
}
