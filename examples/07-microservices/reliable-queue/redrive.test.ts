import { spawnFixture, testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { consumerQueues, depth, useRabbit } from '../test/amqp.js';
import { parseRedriveArgs, redriveDeadLetters } from './redrive.js';

const rabbit = useRabbit('redrive');
let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());

/** A consumer whose dependency is broken until the test mends it: everything lands in the DLQ. */
async function brokenConsumer(base: string, count: number) {
  const names = consumerQueues(rabbit.names, base, [10]);
  const state = { broken: true, handled: [] as { id: string; attempt: number }[] };
  const consumer = await startConsumer(broker, {
    ...names,
    parse: (body) => body,
    handle: async (_body, { messageId, attempt }) => {
      if (state.broken) throw new Error('smtp relay down');
      state.handled.push({ id: messageId, attempt });
    },
  });
  for (let i = 0; i < count; i += 1)
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: `m-${i}` });
  await rabbit.channel.waitForConfirms();
  await waitUntil(async () => (await depth(rabbit.channel, names.deadLetterQueue)) === count, 'all dead-lettered');
  return { names, state, consumer };
}

describe('re-driving the dead-letter queue', () => {
  // #region redrive-test
  it('once the cause is fixed, every dead letter goes back for a fresh round and is handled', async () => {
    const { names, state, consumer } = await brokenConsumer('fixed', 5);
    const dead = await rabbit.channel.get(names.deadLetterQueue);
    if (!dead) throw new Error('the dead-letter queue is empty');
    rabbit.channel.nack(dead, false, true); // peeked at, put back
    expect(dead.properties.headers?.[REASON_HEADER]).toBe('gave up after 2 attempts: smtp relay down');
    state.broken = false;
    expect(await redriveDeadLetters(rabbit.channel, names)).toBe(5);
    await waitUntil(() => state.handled.length === 5, 'the redriven messages handled');
    expect(new Set(state.handled.map((h) => h.id)).size).toBe(5);
    expect(state.handled.every((h) => h.attempt === 1)).toBe(true); // a fresh attempt count
    expect(await depth(rabbit.channel, names.deadLetterQueue)).toBe(0);
    await consumer.stop();
  });
  // #endregion redrive-test

  it('moves at most --limit messages, and never the same one twice in a run', async () => {
    const { names, consumer } = await brokenConsumer('limited', 3);
    expect(await redriveDeadLetters(rabbit.channel, { ...names, limit: 2 })).toBe(2);
    // Still broken: the two fail again, and a whole run now moves the three it found, no more.
    await waitUntil(async () => (await depth(rabbit.channel, names.deadLetterQueue)) === 3, 'back in the DLQ');
    expect(await redriveDeadLetters(rabbit.channel, names)).toBe(3);
    await consumer.stop();
  });

  it('the command: pnpm example microservices reliable-queue -- --redrive <queue>', { timeout: 60_000 }, async () => {
    const { names, state, consumer } = await brokenConsumer('cli', 2);
    state.broken = false;
    const main = new URL('../src/main.ts', import.meta.url);
    const env = { AMQP_URL: testServices().amqpUrl };
    const cli = spawnFixture(main, { env, args: ['reliable-queue', '--redrive', names.queue] });
    expect(await cli.exited).toBe(0);
    expect(cli.lines.join('\n')).toContain(`moved 2 message(s) from ${names.deadLetterQueue} back to ${names.queue}`);
    await waitUntil(() => state.handled.length === 2, 'the redriven messages handled');
    const bad = spawnFixture(main, { env, args: ['reliable-queue', '--redrive', names.queue, '--limit', 'all'] });
    expect(await bad.exited).toBe(1);
    await waitUntil(() => bad.errors.some((l) => l.includes('--limit must be a positive integer, got "all"')), 'why');
    const missing = spawnFixture(main, { env, args: ['reliable-queue', '--redrive', `${names.queue}.typo`] });
    expect(await missing.exited).toBe(1);
    await waitUntil(() => missing.errors.some((l) => l.includes(`no queue named "${names.queue}.typo.dlq"`)), 'which');
    await consumer.stop();
  });

  it('reads its arguments, and says what is wrong with them', () => {
    expect(parseRedriveArgs(['reliable-queue'])).toBeUndefined();
    expect(parseRedriveArgs(['reliable-queue', '--redrive', 'orders.email'])).toEqual({
      queue: 'orders.email',
      deadLetterQueue: 'orders.email.dlq',
    });
    expect(parseRedriveArgs(['--redrive', 'q', '--dead-letter-queue', 'parked', '--limit', '10'])).toEqual({
      queue: 'q',
      deadLetterQueue: 'parked',
      limit: 10,
    });
    expect(() => parseRedriveArgs(['--redrive'])).toThrow(/--redrive/);
    expect(() => parseRedriveArgs(['--redrive', 'q', '--limit', '0'])).toThrow('--limit must be a positive integer');
  });
});
