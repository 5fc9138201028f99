import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { closeBullQueue, createBullEmailQueue, enqueueEmail, processEmails } from './bull-queue.js';
import { createBullmqEmailQueue, enqueueEmailJob, startEmailWorker } from './bullmq-queue.js';
import type { Email, QueueSettings, SendEmail } from './email.js';

const emails: Email[] = [1, 2, 3].map((n) => ({ to: `user${n}@example.com`, subject: `Hello ${n}`, body: 'World' }));
const retry = { attempts: 3, backoffMs: 200 };

/** user2's first attempt fails, like a mail server answering "try again later". */
function flakyMailer(log: (line: string) => void): { send: SendEmail; done: Promise<void> } {
  let sent = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const send: SendEmail = async (email, attempt) => {
    if (email.to === 'user2@example.com' && attempt === 1) {
      log(`  attempt ${attempt} → ${email.to}: failed (SMTP 451)`);
      throw new Error('SMTP 451 try again later');
    }
    log(`  attempt ${attempt} → ${email.to}: sent`);
    if (++sent === emails.length) finish();
  };
  return { send, done };
}

export const queueDemo = recipe({
  services: ['redis'],
  title: 'three emails through Bull, then BullMQ: concurrency 1, 3 attempts with exponential backoff',
  lookFor: 'one email at a time, in order; user2 retried after a backoff and sent, nothing dropped.',
  async run({ urls, defer, log }) {
    const prefix = redisPrefix('demo-concurrency').slice(0, -1); // Bull adds its own ':'
    const redis = new Redis(urls.redisUrl);
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const settings = (name: string): QueueSettings => ({ redisUrl: urls.redisUrl, prefix, name });
    log('Bull:');
    const bull = createBullEmailQueue(settings('bull-email'));
    defer(() => closeBullQueue(bull));
    const bullMailer = flakyMailer(log);
    for (const email of emails) await enqueueEmail(bull, email, retry);
    void processEmails(bull, bullMailer.send);
    await bullMailer.done;
    log('BullMQ (a Queue to add, a Worker to run):');
    const queue = createBullmqEmailQueue(settings('bullmq-email'));
    defer(() => queue.close());
    const mailer = flakyMailer(log);
    const worker = startEmailWorker(settings('bullmq-email'), mailer.send);
    defer(() => worker.close());
    for (const email of emails) await enqueueEmailJob(queue, email, retry);
    await mailer.done;
  },
});
