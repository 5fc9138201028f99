import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { startOwnRabbit } from '../src/testing/index.js';

describe('startOwnRabbit', () => {
  // The durable queue is declared, then the node restarted cleanly, before the crash. On RabbitMQ
  // 3.10 a durable queue declared moments before a SIGKILL, with a non-durable one declared after
  // it, was now and then not recovered ("Recovering 0 queues"), and its confirmed message went with
  // it: 2 to 3 runs in 18 on a loaded 2-core machine, none in 36 with no non-durable queue. Services
  // declare their topology at startup, long before a crash, and again on every reconnect; what a
  // crash must not lose is a confirmed message.
  it('a node of its own: a confirmed persistent message in a durable queue survives a crash and a restart', async () => {
    const rabbit = await startOwnRabbit();
    try {
      const setup = await amqp.connect(rabbit.url);
      setup.on('error', () => {}); // the restart below ends it
      await (await setup.createChannel()).assertQueue('kept', { durable: true });
      const setupClosed = new Promise((resolve) => setup.once('close', resolve));
      await rabbit.restart('graceful');
      // A clean stop tells its clients why before it closes their connections.
      expect(String(await setupClosed)).toMatch(/CONNECTION_FORCED - broker forced connection closure/);

      const before = await amqp.connect(rabbit.url);
      before.on('error', () => {}); // the crash below ends it
      const channel = await before.createConfirmChannel();
      await channel.checkQueue('kept'); // a clean stop keeps a durable queue
      await channel.assertQueue('lost', { durable: false });
      channel.sendToQueue('kept', Buffer.from('persistent'), { persistent: true });
      channel.sendToQueue('lost', Buffer.from('transient'));
      await channel.waitForConfirms();
      const closed = new Promise((resolve) => before.once('close', resolve));
      await rabbit.restart();
      // A crash only cuts the socket.
      expect(String(await closed)).toMatch(/Unexpected close|ECONNRESET/);

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
  }, 180_000); // three boots of a broker, on a loaded machine
});
