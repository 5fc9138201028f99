import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { startOwnRabbit } from '../src/testing/index.js';

describe('startOwnRabbit', () => {
  it('a node of its own: a persistent message in a durable queue survives a crash and a restart', async () => {
    const rabbit = await startOwnRabbit();
    try {
      const before = await amqp.connect(rabbit.url);
      before.on('error', () => {}); // the crash below ends it
      const channel = await before.createConfirmChannel();
      await channel.assertQueue('kept', { durable: true });
      await channel.assertQueue('lost', { durable: false });
      channel.sendToQueue('kept', Buffer.from('persistent'), { persistent: true });
      channel.sendToQueue('lost', Buffer.from('transient'));
      await channel.waitForConfirms();
      const closed = new Promise((resolve) => before.once('close', resolve));
      await rabbit.restart();
      await closed; // the crash cut the connection

      const after = await amqp.connect(rabbit.url);
      try {
        const check = await after.createChannel();
        check.on('error', () => {}); // the failed check below closes it
        expect((await check.checkQueue('kept')).messageCount).toBe(1);
        // A non-durable queue does not come back at all: checking it closes the channel with 404.
        await expect(check.checkQueue('lost')).rejects.toThrow(/NOT_FOUND/);
      } finally {
        await after.close().catch(() => {});
      }
    } finally {
      await rabbit.stop();
    }
    await expect(amqp.connect(rabbit.url)).rejects.toThrow(/ECONNREFUSED/); // nothing is left listening
  }, 90_000);
});
