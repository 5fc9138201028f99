// A worker that takes a job, says so, and hangs, so the parent can SIGKILL it mid-job.
// --library bull|bullmq --redis-url <url> --prefix <prefix> --queue <name>
import { parseArgs } from 'node:util';
import { createBullEmailQueue, processEmails } from '../bull-queue.js';
import { startEmailWorker } from '../bullmq-queue.js';
import type { QueueSettings, SendEmail } from '../email.js';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    'redis-url': { type: 'string' },
    prefix: { type: 'string' },
    queue: { type: 'string' },
  },
});
const { library, 'redis-url': redisUrl, prefix, queue: name } = values;
if (!redisUrl || !prefix || !name || (library !== 'bull' && library !== 'bullmq')) {
  console.error('usage: worker-child.ts --library bull|bullmq --redis-url <url> --prefix <prefix> --queue <name>');
  process.exit(2);
}
const settings: QueueSettings = { redisUrl, prefix, name, lockDurationMs: 1000, stalledIntervalMs: 500 };
const hangAfterStarting: SendEmail = (email) => {
  console.log(`started ${email.to}`);
  return new Promise(() => {});
};

if (library === 'bull') {
  const queue = createBullEmailQueue(settings);
  await queue.isReady();
  void processEmails(queue, hangAfterStarting);
} else {
  const worker = startEmailWorker(settings, hangAfterStarting);
  await worker.waitUntilReady();
}
console.log('ready');
