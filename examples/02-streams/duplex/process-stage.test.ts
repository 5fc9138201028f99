import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { naiveProcessStage, processStage } from './process-stage.js';

// Child programs run with this Node, so the tests need no shell tools.
const node = process.execPath;
const UPPERCASE = ['-e', "process.stdin.setEncoding('utf8').on('data', (s) => process.stdout.write(s.toUpperCase()))"];
const ECHO = ['-e', 'process.stdin.pipe(process.stdout)'];
// Reads a little, answers a little, then fails: a command that dies halfway.
const FAILS_HALFWAY = ['-e', "process.stdin.once('data', () => { process.stdout.write('partial'); process.exit(3); })"];

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function run(stage: Duplex, input: readonly (string | Buffer)[]): Promise<Buffer> {
  const output: Buffer[] = [];
  await pipeline(Readable.from(input), stage, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) output.push(chunk);
  });
  return Buffer.concat(output);
}

/** Whether a process with this pid is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a stage with no arguments', () => {
  it.each([
    ['processStage', processStage],
    ['naiveProcessStage', naiveProcessStage],
  ])('%s passes none: node with no arguments runs the program it reads on stdin', async (_name, stage) => {
    expect((await run(stage(node), ["process.stdout.write('from stdin')"])).toString()).toBe('from stdin');
  });
});

describe('processStage: a child process as one stage of a pipeline', () => {
  it('destroying the stage kills a child that is still running', async () => {
    const stage = processStage(node, ['-e', 'process.stdout.write(String(process.pid)); setInterval(() => {}, 1000)']);
    const [first] = (await once(stage, 'data')) as [Buffer];
    const pid = Number(first.toString());
    expect(alive(pid)).toBe(true);
    stage.destroy();
    await waitUntil(() => !alive(pid), 'the child to be killed');
  });

  it('streams input through the process and its output back', async () => {
    expect((await run(processStage(node, UPPERCASE), ['grüße, ', 'world\n'])).toString()).toBe('GRÜSSE, WORLD\n');
  });

  it('carries 16 MiB through intact, pausing the child when the reader is slow', async () => {
    const input = randomBytes(16 * 1024 * 1024);
    const stage = processStage(node, ECHO);
    let maxQueued = 0;
    const output: Buffer[] = [];
    await pipeline(Readable.from([input]), stage, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        output.push(chunk);
        await new Promise((resolve) => setTimeout(resolve, 1)); // a slow consumer
        maxQueued = Math.max(maxQueued, stage.readableLength); // what piled up meanwhile
      }
    });
    expect(sha256(Buffer.concat(output))).toBe(sha256(input));
    // Pausing stdout caps this near one pipe read (64 KiB) plus highWaterMark; without it, it keeps growing.
    expect(maxQueued).toBeLessThanOrEqual(256 * 1024);
  });

  it('rejects the pipeline when the process exits with a non-zero code', async () => {
    await expect(run(processStage(node, FAILS_HALFWAY), ['a'.repeat(1000)])).rejects.toThrow(/exited with code 3/);
  });

  it('rejects with EPIPE, not an uncaught error, when the command exits before reading its input', async () => {
    const input = randomBytes(16 * 1024 * 1024); // far more than a pipe buffer holds
    await expect(run(processStage(node, ['-e', 'process.exit(0)']), [input])).rejects.toThrow(/EPIPE/);
  });

  it('rejects with ENOENT when the command does not exist', async () => {
    await expect(run(processStage('no-such-command-cookbook', []), ['x'])).rejects.toThrow(/ENOENT/);
  });
});

describe('naiveProcessStage (Duplex.from stdin and stdout)', () => {
  it('resolves with truncated output when the process fails halfway', async () => {
    const out = await run(naiveProcessStage(node, FAILS_HALFWAY), ['a'.repeat(1000)]);
    expect(out.toString()).toBe('partial');
  });
});
