import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeServer,
  heading,
  isMain,
  isSmoke,
  listen,
  onShutdown,
  portFromEnv,
  resolveServices,
} from '@cookbook/shared';
import pg from 'pg';
import { importCsv } from './csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';
import { DiskStore } from './storage.js';
import { backpressureDemo, duplexDemo, pipelineDemo, readFileDemo, type Tour, transformDemo } from './tour.js';
import { createUploadApp } from './upload.js';
import { randomContent, streamUpload } from './upload-client.js';

const MiB = 1024 * 1024;

/** `upload` run on its own keeps serving until Ctrl-C; in the tour or in smoke mode it answers its own upload and stops. */
async function uploadDemo(tour: Tour, keepServing: boolean): Promise<void> {
  tour.heading('upload: multipart streamed through busboy to disk, never buffered');
  const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-uploads-'));
  const maxFileBytes = 1024 * MiB;
  const server = createServer(createUploadApp(new DiskStore(directory), maxFileBytes));
  const stop = async () => {
    if (server.listening) await closeServer(server);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const url = await listen(server, keepServing ? portFromEnv(3002) : 0);
    console.log(`Listening on ${url}: POST ${url}/files (field "file", up to ${maxFileBytes / MiB} MiB)`);
    await selfUpload(url, tour.smoke ? MiB : 64 * MiB);
    if (!keepServing) return await stop();
    console.log(`Try: head -c 300M /dev/urandom > big.bin && curl -F file=@big.bin ${url}/files   (Ctrl-C to stop)`);
    onShutdown(stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function selfUpload(url: string, size: number): Promise<void> {
  const { content, sha256 } = randomContent(size);
  const { status, body } = await streamUpload(`${url}/files`, content);
  console.log(
    `uploaded ${size / MiB} MiB: ${status} ${JSON.stringify(body)}; checksum matches: ${body.sha256 === sha256()}`,
  );
  const rejected = await streamUpload(`${url}/files`, randomContent(1024).content, { contentType: 'text/plain' });
  console.log(`a non-multipart body: ${rejected.status} ${JSON.stringify(rejected.body)}`);
  console.log('Look for: 201 with a matching checksum; 400 naming content-type for the plain-text body.');
}

async function csvImportDemo(tour: Tour): Promise<void> {
  const rows = tour.smoke ? 5_000 : 100_000;
  tour.heading(`csv-import: ${rows.toLocaleString('en-US')} rows → validate → COPY in batches of 5,000`);
  const services = await resolveServices(['postgres']);
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 2 });
  const table = `streams_demo_${process.pid}`;
  const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-csv-'));
  try {
    const file = join(directory, 'people.csv');
    const rejectsFile = join(directory, 'rejects.ndjson');
    await writePeopleCsv(file, rows, { 3: BAD_ROW.missingEmail, 50: BAD_ROW.badNumber, 400: BAD_ROW.badEmail });
    await createPeopleTable(pool, table);
    const started = performance.now();
    const counts = await importCsv({
      pool,
      file,
      rejectsFile,
      table,
      onBatch: ({ batches, inserted }) =>
        batches % 5 === 0 && console.log(`  batch ${batches} committed, ${inserted} rows in`),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${JSON.stringify(counts)} in ${seconds.toFixed(2)} s (${Math.round(counts.inserted / seconds)} rows/s)`,
    );
    console.log(`rejects file:\n${await readFile(rejectsFile, 'utf8')}`);
    console.log('Look for: three rejected rows with their line numbers; every other row inserted.');
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await pool.end();
    await services.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

type Demo = (tour: Tour, argument: string | undefined, alone: boolean) => Promise<void>;

const RECIPES: Record<string, Demo> = {
  'read-file': (tour, size) => readFileDemo(tour, size === undefined ? undefined : parseSize(size)),
  pipeline: (tour) => pipelineDemo(tour),
  backpressure: (tour) => backpressureDemo(tour),
  transform: (tour) => transformDemo(tour),
  duplex: (tour) => duplexDemo(tour),
  upload: (tour, _argument, alone) => uploadDemo(tour, alone && !tour.smoke),
  'csv-import': (tour) => csvImportDemo(tour),
};

/** A bad command-line argument: printed as one line, exit code 2, no stack trace. */
class UsageError extends Error {}

function parseSize(text: string): number {
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > 8192) {
    throw new UsageError(`read-file: size must be a whole number of MiB from 1 to 8192, got "${text}"`);
  }
  return size;
}

export async function main(recipe?: string, argument?: string): Promise<number> {
  const tour: Tour = { smoke: isSmoke(), heading };
  if (recipe === undefined) {
    for (const run of Object.values(RECIPES)) await run(tour, undefined, false);
    return 0;
  }
  const run = RECIPES[recipe];
  if (!run) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  try {
    await run(tour, argument, true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2], process.argv[3]);
}
