import { createBullEmailQueue, enqueueEmail, processEmails } from '../bull-queue.js';
import { createBullmqEmailQueue, enqueueEmailJob, startEmailWorker } from '../bullmq-queue.js';
import type { Email, QueueSettings, SendEmail } from '../email.js';
import { type DemoContext, look } from './context.js';

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

export async function queueDemo({ redisUrl, prefix, heading }: DemoContext): Promise<void> {
  const settings = (name: string): QueueSettings => ({ redisUrl, prefix: `${prefix}queue`, name });
  heading('queue: Bull, concurrency 1, 3 attempts with exponential backoff');
  const bull = createBullEmailQueue(settings('bull-email'));
  try {
    const mailer = flakyMailer(console.log);
    for (const email of emails) await enqueueEmail(bull, email, retry);
    void processEmails(bull, mailer.send);
    await mailer.done;
  } finally {
    await bull.close();
  }
  heading('queue: the same with BullMQ (a Queue to add, a Worker to run)');
  const queue = createBullmqEmailQueue(settings('bullmq-email'));
  const mailer = flakyMailer(console.log);
  const worker = startEmailWorker(settings('bullmq-email'), mailer.send);
  try {
    for (const email of emails) await enqueueEmailJob(queue, email, retry);
    await mailer.done;
  } finally {
    await worker.close();
    await queue.close();
  }
  look('one email at a time, in order; user2 retried after a backoff and sent, nothing dropped.');
}
