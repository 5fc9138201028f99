import { startTcpProxy, testServices, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { recordingLog } from '../test/recording-log.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the broker connection', () => {
  it('a broker that is down at start fails the start after three retries instead of waiting forever', async () => {
    const proxy = await startTcpProxy(testServices().amqpUrl);
    cleanups.push(() => proxy.close());
    proxy.refuse(true);
    await expect(connectBroker(proxy.url())).rejects.toThrow();
    expect(proxy.refused()).toBe(4); // the first try and three retries
  });

  it('a broker that stops answering is an error and a lost connection in the log, then recovered', async () => {
    const proxy = await startTcpProxy(testServices().amqpUrl);
    cleanups.push(() => proxy.close());
    const { log, fieldsOf } = recordingLog();
    // One-second heartbeats: a hung broker is noticed after two missed ones.
    const broker = await connectBroker(`${proxy.url()}?heartbeat=1`, log);
    cleanups.push(() => broker.close());
    proxy.pause();
    await waitUntil(() => fieldsOf('broker connection lost').length > 0, 'the lost connection to be logged');
    // Missed heartbeats, or the broker's own close of the silent socket: either way an error, with its cause.
    expect(fieldsOf('broker error')[0]).toEqual({ error: expect.stringMatching(/./) });
    expect(fieldsOf('broker connection lost')[0]).toEqual({ error: expect.stringMatching(/./) });
    proxy.resume();
    proxy.cutAll(); // what pause() held is stale: start over on a fresh connection
    await waitUntil(() => fieldsOf('broker connected').length > 0, 'the recovery to be logged');
  });
});
