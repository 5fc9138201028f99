import { deleteRabbitNames, rabbitNames, recipe } from '@cookbook/shared';
import { connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { retryQueueName } from '../broker/retry.js';
import { parseRedriveArgs, redriveDeadLetters } from './redrive.js';

export const reliableQueueDemo = recipe({
  services: ['rabbitmq'],
  title: 'RabbitMQ: confirms, prefetch, retries, dead letters',
  lookFor: 'the flaky message retried once and succeeded; the poison ones parked with a reason.',
  async run({ urls, args, log, defer }) {
    // `pnpm example microservices reliable-queue -- --redrive <queue>`: the operator's command.
    const redrive = parseRedriveArgs(args);
    if (redrive) {
      const connection = await connectBroker(urls.amqpUrl);
      defer(() => connection.close());
      const moved = await redriveDeadLetters(await connection.createConfirmChannel(), redrive);
      return log(`moved ${moved} message(s) from ${redrive.deadLetterQueue} back to ${redrive.queue}`);
    }
    const names = rabbitNames('reliable_queue');
    const queue = names.queue('emails');
    const deadLetterQueue = names.queue('emails.dlq');
    const retryDelaysMs = [500, 2_000];
    for (const delayMs of retryDelaysMs) names.queue(retryQueueName('emails', delayMs)); // to clean up
    const broker = await connectBroker(urls.amqpUrl);
    defer(() => broker.close());
    const admin = await broker.createConfirmChannel();
    defer(() => deleteRabbitNames(admin, names));

    let handled = 0;
    let dead = 0;
    let settled = () => {};
    const done = new Promise<void>((resolve) => {
      settled = () => handled === 2 && dead === 2 && resolve();
    });
    const consumer = await startConsumer(broker, {
      queue,
      deadLetterQueue,
      prefetch: 10,
      retryDelaysMs,
      parse: (body) => body as { to?: string },
      handle: async (body, { messageId, attempt }) => {
        if (messageId === 'flaky' && attempt < 2) throw new Error('SMTP timeout');
        log(`handled ${messageId} (attempt ${attempt}) → email to ${body.to}`);
        handled += 1;
        settled();
      },
    });
    await admin.consume(deadLetterQueue, (message) => {
      if (!message) return;
      admin.ack(message);
      log(`dead-lettered ${message.properties.messageId ?? '(no id)'}: ${message.properties.headers?.[REASON_HEADER]}`);
      dead += 1;
      settled();
    });
    const send = (messageId: string | undefined, body: string) =>
      admin.sendToQueue(queue, Buffer.from(body), { persistent: true, ...(messageId ? { messageId } : {}) });
    send('welcome-1', '{"to":"ada@example.com"}');
    send('flaky', '{"to":"grace@example.com"}');
    send('broken', '{"to": oops');
    send(undefined, '{"to":"nobody@example.com"}');
    await admin.waitForConfirms();
    await done;
    await consumer.stop();
  },
});
