export type Subscriber<T> = (payload: T) => Promise<void> | void;

export interface SubscriberFailure {
  event: string;
  subscriber: string;
  error: unknown;
}

export interface PublishReport {
  delivered: number;
  failed: SubscriberFailure[];
}

// #region event-bus
/**
 * In-process fan-out where one subscriber's failure is that subscriber's problem: each runs
 * isolated, failures go to `onError` (never an unhandled rejection), and `publish` returns a
 * report the caller may await, or ignore, safely.
 */
export class EventBus<Events extends Record<string, unknown>> {
  readonly #subscribers = new Map<keyof Events, { name: string; run: Subscriber<never> }[]>();

  constructor(private readonly onError: (failure: SubscriberFailure) => void) {}

  subscribe<E extends keyof Events>(event: E, name: string, subscriber: Subscriber<Events[E]>): () => void {
    const entry = { name, run: subscriber as Subscriber<never> };
    this.#subscribers.set(event, [...(this.#subscribers.get(event) ?? []), entry]);
    return () =>
      this.#subscribers.set(
        event,
        (this.#subscribers.get(event) ?? []).filter((s) => s !== entry),
      );
  }

  async publish<E extends keyof Events>(event: E, payload: Events[E]): Promise<PublishReport> {
    const subscribers = this.#subscribers.get(event) ?? [];
    // `async () => run()` turns a synchronous throw into a rejection, so it cannot skip the others.
    const outcomes = await Promise.allSettled(
      subscribers.map(({ run }) => (async () => (run as Subscriber<Events[E]>)(payload))()),
    );
    const failed: SubscriberFailure[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return;
      const failure = { event: String(event), subscriber: subscribers[i]?.name ?? 'unknown', error: outcome.reason };
      failed.push(failure);
      this.onError(failure);
    });
    return { delivered: outcomes.length - failed.length, failed };
  }
}
// #endregion event-bus

// #region naive-event-bus
/** The Q&A's bus: async subscribers are called and forgotten, so a rejection escapes unhandled. */
export class NaiveEventBus {
  private readonly subscribers: Record<string, ((data: unknown) => unknown)[]> = {};

  subscribe(event: string, callback: (data: unknown) => unknown): void {
    this.subscribers[event] ??= [];
    this.subscribers[event].push(callback);
  }

  publish(event: string, data: unknown): void {
    for (const callback of this.subscribers[event] ?? []) callback(data);
  }
}
// #endregion naive-event-bus
