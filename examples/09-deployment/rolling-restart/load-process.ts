// The load generator's process: `load-process.js <url> <connections>`, steered over IPC by spawnLoadGenerator.
import { generateLoad, type LoadMessage } from './load-generator.js';

const [url = '', connections = '4'] = process.argv.slice(2);
const load = generateLoad(url, Number(connections), () => process.send?.({ started: true }));
process.on('message', async (message: LoadMessage) => {
  if ('phase' in message) return load.enter(message.phase);
  process.send?.(await load.stop(), () => process.disconnect());
});
