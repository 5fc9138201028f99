import { spawnFixture, waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { EventBus, type SubscriberFailure } from './event-bus.js';

type Events = { 'order.created': { orderId: string } };

describe('in-process event bus', () => {
  // #region naive-bus-crashes
  it('NaiveEventBus: one failing subscriber is an unhandled rejection that kills the process', async () => {
    const child = spawnFixture(new URL('./test/naive-event-bus-process.ts', import.meta.url));
    expect(await child.exited).not.toBe(0);
    await waitUntil(() => child.errors.some((line) => /payment declined/.test(line)), 'the rejection on stderr');
  });
  // #endregion naive-bus-crashes

  it('EventBus: the failure is reported, the other subscribers still run, nothing escapes', async () => {
    const failures: SubscriberFailure[] = [];
    const bus = new EventBus<Events>((failure) => failures.push(failure));
    const seen: string[] = [];
    bus.subscribe('order.created', 'payment', () => {
      throw new Error('payment declined'); // synchronous throw: must not stop the loop either
    });
    bus.subscribe('order.created', 'inventory', async ({ orderId }) => void seen.push(orderId));
    const report = await bus.publish('order.created', { orderId: 'o-1' });
    expect(report).toMatchObject({ delivered: 1, failed: [{ subscriber: 'payment' }] });
    expect(failures).toEqual([expect.objectContaining({ event: 'order.created', subscriber: 'payment' })]);
    expect(seen).toEqual(['o-1']);
  });
});
