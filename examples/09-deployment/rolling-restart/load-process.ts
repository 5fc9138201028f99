// The load generator's process: `load-process.js <url> <connections>`, forked and steered over IPC by
// spawnLoadGenerator.
import { generateLoad, type LoadMessage } from './load-generator.js';

const [url, connections] = process.argv.slice(2);
const send = process.send?.bind(process);
// Started by hand, or without the IPC channel it reports over, it would load the URL forever and
// tell no one: it refuses instead.
if (!url || !connections || !send) {
  console.error('usage: fork load-process.js <url> <connections> with an IPC channel, as spawnLoadGenerator does');
  process.exit(2);
}
const load = generateLoad(url, Number(connections), () => send({ started: true }));
process.on('message', async (message: LoadMessage) => {
  if ('phase' in message) return load.enter(message.phase);
  send(await load.stop(), () => process.disconnect());
});
