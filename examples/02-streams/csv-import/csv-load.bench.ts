import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import csvParser from 'csv-parser';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { importCsv } from './csv-import.js';
import { mergeBatch } from './merge-batch.js';
import { createPeopleTable, type Person } from './people.js';
import { writePeopleCsv } from './people-csv.js';
import { type ImportCounts, validateRows } from './validate-rows.js';

// One 100k-row file, loaded into a fresh `people` table (unique email index) each time. The two
// limits: Postgres alone (the file piped straight into COPY) and Node alone (parse and validate,
// no database). importCsv can reach neither; its ratio to the lower one is the figure to watch.
const ROWS = 100_000;
const ROW_BY_ROW_ROWS = 5_000;
const RUNS = 3; // the median of three, for everything but row-by-row

const services = await resolveServices(['postgres']);
const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 2 });
const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-bench-'));
const file = join(directory, 'people.csv');
const rejectsFile = join(directory, 'rejects.ndjson');
let tables = 0;

async function freshTable(): Promise<string> {
  const table = `streams_bench_${process.pid}_${tables++}`;
  await createPeopleTable(pool, table);
  return table;
}

async function rawCopy(table: string): Promise<void> {
  const client = await pool.connect();
  try {
    const copy = client.query(copyFrom(`COPY ${table} (email, name, age) FROM STDIN (FORMAT csv, HEADER true)`));
    await pipeline(createReadStream(file), copy);
  } finally {
    client.release();
  }
}

async function parseOnly(): Promise<void> {
  const counts: ImportCounts = { rows: 0, valid: 0, rejected: 0, inserted: 0, batches: 0 };
  const discard = new Writable({ objectMode: true, write: (_person, _encoding, done) => done() });
  const rejects = new Writable({ write: (_line, _encoding, done) => done() });
  await pipeline(
    createReadStream(file),
    csvParser({ mapHeaders: ({ header }) => header.trim().toLowerCase() }),
    validateRows(rejects, counts),
    discard,
  );
}

interface Loader {
  name: string;
  rows: number;
  runs: number;
  /** Arranges the table (untimed), then returns the timed load. */
  prepare: () => Promise<() => Promise<unknown>>;
}

const people: Person[] = Array.from({ length: ROWS }, (_, i) => ({
  email: `person${i + 1}@example.com`,
  name: `Person ${i + 1}`,
  age: (i + 1) % 90,
}));

const loaders: Loader[] = [
  {
    name: 'limit: raw COPY of the file into the table',
    rows: ROWS,
    runs: RUNS,
    prepare: async () => {
      const table = await freshTable();
      return () => rawCopy(table);
    },
  },
  { name: 'limit: parse + validate only, no database', rows: ROWS, runs: RUNS, prepare: async () => parseOnly },
  {
    name: 'importCsv, 20,000-row batches (COPY streamed in while the file is parsed)',
    rows: ROWS,
    runs: RUNS,
    prepare: async () => {
      const table = await freshTable();
      return () => importCsv({ pool, file, rejectsFile, table });
    },
  },
  {
    name: 'importCsv re-run over a full table (every batch falls back to the staging merge)',
    rows: ROWS,
    runs: RUNS,
    prepare: async () => {
      const table = await freshTable();
      await rawCopy(table);
      return () => importCsv({ pool, file, rejectsFile, table });
    },
  },
  {
    name: 'staging merge for every 20,000-row batch, rows pre-parsed (the previous copyBatch)',
    rows: ROWS,
    runs: RUNS,
    prepare: async () => {
      const table = await freshTable();
      return async () => {
        for (let at = 0; at < ROWS; at += 20_000) await mergeBatch(pool, table, people.slice(at, at + 20_000));
      };
    },
  },
  {
    name: 'INSERT per row (awaited), first 5,000 rows',
    rows: ROW_BY_ROW_ROWS,
    runs: 1,
    prepare: async () => {
      const table = await freshTable();
      const sql = `INSERT INTO ${table} (email, name, age) VALUES ($1, $2, $3)`;
      return async () => {
        for (const p of people.slice(0, ROW_BY_ROW_ROWS)) await pool.query(sql, [p.email, p.name, p.age]);
      };
    },
  },
];

try {
  await writePeopleCsv(file, ROWS);
  const results: { name: string; rows: number; rowsPerSecond: number }[] = [];
  for (const { name, rows, runs, prepare } of loaders) {
    const rates: number[] = [];
    for (let run = 0; run < runs; run++) {
      const load = await prepare();
      const started = performance.now();
      await load();
      rates.push(rows / ((performance.now() - started) / 1000));
    }
    results.push({ name, rows, rowsPerSecond: median(rates) });
    console.log(`${name}: ${Math.round(median(rates))} rows/s`);
  }
  const [copyLimit, parseLimit, imported] = results.map((r) => r.rowsPerSecond) as [number, number, number];
  const limit = Math.min(copyLimit, parseLimit);
  // Beating a limit means the limit's own run was depressed by the neighbours: no table then.
  if (imported > limit * 1.1) {
    throw new Error(`importCsv (${Math.round(imported)} rows/s) beat its limit (${Math.round(limit)}): noise, re-run`);
  }
  reportBench(
    'csv-load',
    `Loading ${ROWS.toLocaleString('en-US')} people into a table with a unique email index (median of ${RUNS} runs):\n\n` +
      markdownTable(
        ['loader', 'rows', 'rows/s', 'vs raw COPY', 'vs parse only'],
        results.map((r) => [
          r.name,
          r.rows,
          Math.round(r.rowsPerSecond),
          ratio(r.rowsPerSecond, copyLimit),
          ratio(r.rowsPerSecond, parseLimit),
        ]),
      ),
  );
} finally {
  for (let n = 0; n < tables; n++) await pool.query(`DROP TABLE IF EXISTS streams_bench_${process.pid}_${n}`);
  await pool.end();
  await services.stop();
  await rm(directory, { recursive: true, force: true });
}
