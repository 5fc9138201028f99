import { hostname } from 'node:os';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from 'winston';
import type { ShopQueues } from './broker.js';
import { openShopChannel, type ShopChannel } from './shop-channel.js';

/**
 * The name a service's broker connection carries (`clientProperties.connection_name`): the
 * management UI and `rabbitmqctl list_connections` then say whose each connection is, down to the
 * host and process, where they would otherwise show only a client port.
 */
export function brokerConnectionName(service: string): string {
  return `${service} ${hostname()}[${process.pid}]`;
}

export interface ShopBrokerOptions {
  service: string;
  logger: Logger;
  /** Told false as the connection, the channel or its consumer is lost, true once set up again. */
  setReady(ready: boolean): void;
  /** Runs on each connection's channel once the queues are declared: where a consumer (re)starts. */
  onChannel?(channel: Channel): Promise<void>;
}

export interface ShopBroker {
  /** The (confirm) channel of the current connection; undefined while the broker is away or it is rebuilt. */
  channel(): ConfirmChannel | undefined;
  /** Another channel of the current connection; rejects at once while there is none. */
  createChannel(): Promise<Channel>;
  close(): Promise<void>;
}

/**
 * A broker connection that comes back by itself. A broker restart or failover closes every
 * client's connection at once (320 CONNECTION_FORCED); a crashed node or a network cut fails the
 * socket, which amqplib reports as an 'error' first. Reconnecting in the process, rather than
 * exiting for the supervisor to restart it, keeps what needs no broker answering (GET /orders,
 * /metrics) and spares every service a cold start at the same moment, each failing while the
 * broker is still down and backing off further at the supervisor. amqplib's recovery does the
 * capped, jittered exponential backoff; it does not rebuild channels, so `setup` does, on each new
 * connection: a channel, the queues declared again (a broker that lost them gets them back) and
 * the consumer started again. Readiness is false from the loss until that setup has finished. A
 * channel or consumer the broker takes away while the connection stays up is rebuilt the same way
 * on the same connection, by `openShopChannel`.
 */
export async function connectShopBroker(
  { amqpUrl, queues }: { amqpUrl: string; queues: ShopQueues },
  { service, logger, setReady, onChannel }: ShopBrokerOptions,
): Promise<ShopBroker> {
  let current: { model: ChannelModel; channel: ShopChannel } | undefined;
  const connection = await amqp.connect(amqpUrl, {
    noDelay: true, // Nagle off: amqplib leaves it on
    clientProperties: { connection_name: brokerConnectionName(service) },
    recovery: {
      initialDelay: 100, // the first retry at once: after a failover another node is already up
      maxDelay: 10_000, // a broker back after a long outage waits at most 10 s for us
      jitter: 0.2, // ± 20 %: services cut off together do not all come back in step
      // A broker unreachable at startup is more often a wrong URL than an outage: fail the start,
      // as before, and leave a real outage to the supervisor's restarts.
      initialMaxRetries: 0,
      async setup(model: ChannelModel) {
        current = { model, channel: await openShopChannel(model, { queues, logger, setReady, onChannel }) };
      },
    },
  });
  // Logged with the 'disconnect' that follows. Without a listener an 'error' throws, and ends the process.
  connection.on('error', () => {});
  connection.on('disconnect', (error: Error & { code?: number | string }) => {
    current?.channel.dispose();
    current = undefined;
    setReady(false);
    logger.warn('rabbitmq connection lost', { error: error.message, code: error.code });
  });
  connection.on('connect-failed', (error: Error) => logger.warn('rabbitmq reconnect failed', { error: error.message }));
  // Only reconnections: the first connection is made before this listener is added.
  connection.on('connect', () => {
    setReady(true);
    logger.info('rabbitmq connection restored');
  });
  return {
    channel: () => current?.channel.current(),
    // A metrics scrape asks for a channel: it must fail fast, not wait for the broker to return.
    createChannel: () =>
      current ? current.model.createChannel() : Promise.reject(new Error('rabbitmq is away: reconnecting')),
    async close() {
      current?.channel.dispose();
      current = undefined;
      await connection.close();
    },
  };
}
