import amqp from 'amqplib';

// #region naive-publish
/** The Q&A's publisher: a new TCP connection, AMQP handshake and channel for every single message. */
export async function naivePublish(url: string, queue: string, payload: unknown): Promise<void> {
  const connection = await amqp.connect(url, { noDelay: true }); // Nagle off: the cost shown is the connection's
  const channel = await connection.createChannel();
  await channel.assertQueue(queue);
  // No confirm and no `persistent`: nobody learns if the broker dropped it, and a restart loses it.
  channel.sendToQueue(queue, Buffer.from(JSON.stringify(payload)));
  await channel.close();
  await connection.close();
}
// #endregion naive-publish

// #region naive-consume
/** The Q&A's consumer: no prefetch, and a throw in the async callback is an unhandled rejection. */
export async function naiveConsume(url: string, queue: string, handle: (body: unknown) => Promise<void>) {
  const connection = await amqp.connect(url, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.assertQueue(queue);
  await channel.consume(queue, async (message) => {
    if (!message) return;
    const body: unknown = JSON.parse(message.content.toString()); // poison → crash → redelivered → crash
    await handle(body);
    channel.ack(message);
  });
  return connection;
}
// #endregion naive-consume
