import { describe, expect, it } from 'vitest';
import { EventBus, NaiveEventBus, type SubscriberFailure } from './event-bus.js';

type Events = { 'order.created': { orderId: string }; 'order.cancelled': { orderId: string } };

describe('EventBus reports', () => {
  it('counts the deliveries and names each failure with its event, subscriber and error', async () => {
    const failures: SubscriberFailure[] = [];
    const bus = new EventBus<Events>((failure) => failures.push(failure));
    const declined = new Error('payment declined');
    bus.subscribe('order.created', 'email', async () => {});
    bus.subscribe('order.created', 'payment', async () => {
      throw declined;
    });
    bus.subscribe('order.created', 'inventory', async () => {});
    bus.subscribe('order.cancelled', 'refunds', async () => {
      throw new Error('not for this event');
    });
    const report = await bus.publish('order.created', { orderId: 'o-1' });
    const failure = { event: 'order.created', subscriber: 'payment', error: declined };
    expect(report).toEqual({ delivered: 2, failed: [failure] });
    expect(failures).toEqual([failure]);
  });

  it('an event nobody subscribed to delivers nothing and fails nothing', async () => {
    const bus = new EventBus<Events>(() => {
      throw new Error('no failure expected');
    });
    expect(await bus.publish('order.cancelled', { orderId: 'o-1' })).toEqual({ delivered: 0, failed: [] });
  });

  it('unsubscribing removes that subscriber only', async () => {
    const bus = new EventBus<Events>(() => {});
    const seen: string[] = [];
    const stopEmail = bus.subscribe('order.created', 'email', () => void seen.push('email'));
    bus.subscribe('order.created', 'inventory', () => void seen.push('inventory'));
    stopEmail();
    stopEmail(); // twice is harmless
    expect(await bus.publish('order.created', { orderId: 'o-1' })).toEqual({ delivered: 1, failed: [] });
    expect(seen).toEqual(['inventory']);
  });

  it('NaiveEventBus calls every subscriber of the event, in order, and none of another', () => {
    const bus = new NaiveEventBus();
    const seen: unknown[] = [];
    bus.subscribe('order.created', (data) => seen.push(['first', data]));
    bus.subscribe('order.created', (data) => seen.push(['second', data]));
    bus.subscribe('order.cancelled', (data) => seen.push(['cancelled', data]));
    bus.publish('order.created', 'o-1');
    bus.publish('order.shipped', 'o-2'); // nobody listens: nothing happens
    expect(seen).toEqual([
      ['first', 'o-1'],
      ['second', 'o-1'],
    ]);
  });
});
