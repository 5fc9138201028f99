// The guided demos that need nothing but Node: main.ts runs them and passes in how to print.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Duplex, PassThrough, Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fastSource, naiveRelay, relay, slowSink } from './backpressure.js';
import { createShoutServer } from './duplex.js';
import { measureReadMemory } from './measure-memory.js';
import { naiveCopy, transformFile } from './pipeline.js';
import { naiveProcessStage, processStage } from './process-stage.js';
import { writeSampleFile } from './read-file.js';
import { naiveUppercase, splitLines, uppercase } from './transform.js';

export interface Tour {
  smoke: boolean;
  heading(title: string): void;
}

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cookbook-streams-demo-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function readFileDemo(tour: Tour, sizeMiB = tour.smoke ? 16 : 512): Promise<void> {
  tour.heading(`read-file: scanning a ${sizeMiB} MiB file, each way in a fresh process`);
  await withTempDir(async (dir) => {
    const file = join(dir, 'big.log');
    await writeSampleFile(file, sizeMiB * MiB);
    for (const mode of ['naive', 'stream'] as const) {
      const report = await measureReadMemory(mode, file);
      const how = mode === 'naive' ? 'readFileSync      ' : 'createReadStream  ';
      console.log(`${how} ${report.scan.lines} lines  peak RSS ${mib(report.peakRss)}  growth ${mib(report.growth)}`);
    }
  });
  console.log('Look for: readFileSync grows by the file size; the stream grows by a few dozen MiB at any size.');
}

export async function pipelineDemo(tour: Tour): Promise<void> {
  tour.heading('pipeline: a source that fails halfway');
  await withTempDir(async (dir) => {
    const failing = () =>
      new Readable({
        read() {
          this.push('half of the data\n');
          this.destroy(new Error('source failed'));
        },
      });
    const source = failing();
    source.on('error', () => {}); // with .pipe() you must add this yourself, or the process crashes
    const destination = createWriteStream(join(dir, 'piped.txt'));
    naiveCopy(source, new PassThrough(), destination);
    await once(source, 'error');
    console.log(`.pipe():    destination closed? ${destination.closed}  (its file descriptor leaks)`);
    destination.end();

    const input = join(dir, 'input.txt');
    await writeFile(input, 'some text\n'.repeat(1000));
    const failingTransform = new Transform({ transform: (_c, _e, callback) => callback(new Error('bad chunk')) });
    const error = await transformFile(input, join(dir, 'out.txt'), failingTransform).catch((e: Error) => e);
    console.log(
      `pipeline(): rejected with "${(error as Error).message}", every stream destroyed, partial output removed`,
    );
  });
  console.log('Look for: .pipe() leaves the destination open; pipeline() tears everything down and reports the error.');
}

export async function backpressureDemo(tour: Tour): Promise<void> {
  const chunks = tour.smoke ? 64 : 512;
  tour.heading(`backpressure: ${mib(chunks * 64 * 1024)} from a fast source into a slow sink (highWaterMark 64 KiB)`);
  for (const [name, run] of [
    ["on('data') → write()", naiveRelay],
    ["write() + 'drain'", relay],
    ['pipeline()', (source: Readable, sink: Writable) => pipeline(source, sink)],
  ] as const) {
    const { sink, stats } = slowSink();
    await run(fastSource(chunks), sink);
    console.log(`${name.padEnd(22)} most bytes buffered in the sink: ${(stats.maxBuffered / 1024).toFixed(0)} KiB`);
  }
  console.log('Look for: the naive loop buffers nearly everything; the other two stay near 64 KiB.');
}

export async function transformDemo(tour: Tour): Promise<void> {
  tour.heading('transform: upper-casing "Zürich café 🚀" delivered one byte per chunk');
  const bytes = Buffer.from('Zürich café 🚀');
  const oneBytePerChunk = () => Readable.from([...bytes].map((byte) => Buffer.of(byte)));
  for (const [name, make] of [
    ['chunk.toString()', naiveUppercase],
    ['StringDecoder', uppercase],
  ] as const) {
    let out = '';
    await pipeline(oneBytePerChunk(), make(), async (output: AsyncIterable<Buffer>) => {
      for await (const piece of output) out += piece.toString();
    });
    console.log(`${name.padEnd(18)} → ${out}`);
  }
  const lines: string[] = [];
  await pipeline(Readable.from([Buffer.from('first\nsec'), Buffer.from('ond\nthird')]), splitLines(), async (out) => {
    for await (const line of out) lines.push(line as string);
  });
  console.log(`splitLines (object mode): ${JSON.stringify(lines)}`);
  console.log('Look for: U+FFFD garbage from the naive transform; the decoder keeps every character whole.');
}

export async function duplexDemo(tour: Tour): Promise<void> {
  tour.heading('duplex: a TCP socket read from and written to by one pipeline');
  const server = createShoutServer((error) => console.log(`connection ended: ${error.message}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  for (const byte of Buffer.from('hello, grüße 🚀')) client.write(Buffer.of(byte));
  client.end();
  let reply = '';
  for await (const chunk of client) reply += (chunk as Buffer).toString();
  console.log(`sent "hello, grüße 🚀" one byte per write, got back "${reply}"`);
  server.close();
  await once(server, 'close');
  console.log('Look for: the reply is whole; the socket is both the source and the destination.');

  tour.heading('duplex: a child process as a pipeline stage (hand-written Duplex)');
  const failsHalfway = [
    '-e',
    "process.stdin.once('data', () => { process.stdout.write('partial'); process.exit(3); })",
  ];
  const outcome = (stage: Duplex) =>
    pipeline(Readable.from(['some input']), stage, async (out: AsyncIterable<Buffer>) => {
      for await (const _chunk of out);
    }).then(
      () => 'resolved, as if all went well',
      (error: Error) => `rejected: ${error.message}`,
    );
  console.log(`Duplex.from(stdin, stdout): ${await outcome(naiveProcessStage(process.execPath, failsHalfway))}`);
  console.log(`processStage():             ${await outcome(processStage(process.execPath, failsHalfway))}`);
  console.log('Look for: only processStage notices that the command failed halfway.');
}
