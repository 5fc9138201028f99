import { readFile } from 'node:fs';

/** Where a callback ran: on the stack, in a microtask queue, or in a phase of the loop. */
export type Queue = 'sync' | 'nextTick' | 'promise' | 'timers' | 'check';

export interface Step {
  label: string;
  queue: Queue;
}

// #region seed-order
/** The Q&A's snippet, recorded instead of printed: resolves with the order the lines ran in. */
export function seedOrder(): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve) => {
    seen.push('1. Start');
    setTimeout(() => {
      seen.push('3. Timeout');
      resolve(seen);
    }, 0);
    void Promise.resolve().then(() => seen.push('2. Promise'));
    seen.push('4. End');
  });
}
// #endregion seed-order

// #region schedule-all
/**
 * Schedules one callback on every queue and resolves once all have run. Synchronous code finishes
 * first, then both microtask queues drain, and only then does the loop move on to a phase.
 * Called from a callback, the nextTick queue drains before promise jobs; called from inside a promise
 * job (after an `await`, or at the top level of an ES module) the promise jobs run first.
 */
export function scheduleAll(): Promise<Step[]> {
  const steps: Step[] = [];
  const record = (label: string, queue: Queue) => steps.push({ label, queue });
  return new Promise((resolve) => {
    let pending = 2;
    const done = () => --pending === 0 && resolve(steps);
    record('sync start', 'sync');
    setTimeout(() => {
      record('setTimeout 0', 'timers');
      done();
    }, 0);
    setImmediate(() => {
      record('setImmediate', 'check');
      done();
    });
    void Promise.resolve().then(() => record('promise.then', 'promise'));
    queueMicrotask(() => record('queueMicrotask', 'promise'));
    process.nextTick(() => record('process.nextTick', 'nextTick'));
    record('sync end', 'sync');
  });
}
// #endregion schedule-all

// #region inside-io
/**
 * Runs `work` from an I/O callback (the poll phase). The check phase comes right after poll, so a
 * setImmediate scheduled there runs before setTimeout(0) every time; from the main module that
 * order depends on how long the process took to start.
 */
export function fromIoCallback<T>(path: string, work: () => Promise<T>): Promise<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  readFile(path, (error) => (error ? reject(error) : work().then(resolve, reject)));
  return promise;
}
// #endregion inside-io
