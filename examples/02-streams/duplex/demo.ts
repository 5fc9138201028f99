import { once } from 'node:events';
import { type AddressInfo, connect } from 'node:net';
import { type Duplex, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { recipe } from '@cookbook/shared';
import { uppercase } from '../transform/transform.js';
import { naiveProcessStage, processStage } from './process-stage.js';
import { createSocketServer } from './socket-server.js';

// Reads a little, answers a little, then fails: a command that dies halfway.
const FAILS_HALFWAY = ['-e', "process.stdin.once('data', () => { process.stdout.write('partial'); process.exit(3); })"];

function outcome(stage: Duplex): Promise<string> {
  return pipeline(Readable.from(['some input']), stage, async (out: AsyncIterable<Buffer>) => {
    for await (const _chunk of out);
  }).then(
    () => 'resolved, as if all went well',
    (error: Error) => `rejected: ${error.message}`,
  );
}

export const duplexDemo = recipe({
  services: [],
  title: 'a TCP socket read and written by one pipeline, and a child process as a pipeline stage',
  lookFor: 'the reply is whole; only processStage notices that the command failed halfway.',
  async run({ defer, log }) {
    const server = createSocketServer(uppercase, (error) => log(`connection ended: ${error.message}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    for (const byte of Buffer.from('hello, grüße 🚀')) client.write(Buffer.of(byte));
    client.end();
    log(`sent "hello, grüße 🚀" one byte per write, got back "${await text(client)}"`);

    log(`Duplex.from(stdin, stdout): ${await outcome(naiveProcessStage(process.execPath, FAILS_HALFWAY))}`);
    log(`processStage():             ${await outcome(processStage(process.execPath, FAILS_HALFWAY))}`);
  },
});
