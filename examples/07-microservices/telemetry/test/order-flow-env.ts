import { redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { consumerQueues, useRabbit } from '../../test/amqp.js';

/** A database, queue names and a Redis prefix for one test file's order flow, removed after its tests. */
export function useOrderFlowEnv(label: string) {
  const database = useTestDatabase(label);
  const rabbit = useRabbit(label);
  const email = consumerQueues(rabbit.names, 'email');
  const exchange = rabbit.names.exchange('orders');
  const prefix = redisPrefix(label);
  return {
    database,
    rabbit,
    exchange,
    email,
    prefix,
    env: () => ({
      DATABASE_URL: database.url,
      AMQP_URL: testServices().amqpUrl,
      REDIS_URL: testServices().redisUrl,
      ORDER_FLOW_EXCHANGE: exchange,
      ORDER_FLOW_EMAIL_QUEUE: email.queue,
      ORDER_FLOW_EMAIL_DLQ: email.deadLetterQueue,
      ORDER_FLOW_REDIS_PREFIX: prefix,
    }),
  };
}
