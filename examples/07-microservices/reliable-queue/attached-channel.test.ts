import { testServices, waitUntil } from '@cookbook/shared/testing';
import type { ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachedChannel } from '../broker/attached-channel.js';
import { type Broker, connectBroker } from '../broker/connection.js';
import { recordingLog } from '../test/recording-log.js';

let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());

const fast = { initialMs: 5, maxMs: 20 };

describe('an attached channel', () => {
  it('fails its first attach with the setup error, keeps retrying, and attaches once setup works', async () => {
    const { log, fieldsOf } = recordingLog();
    let calls = 0;
    const attached = attachedChannel(broker, {
      log,
      backoff: fast,
      setup: async () => {
        calls += 1;
        if (calls <= 3) throw calls === 1 ? 'queue declared with other arguments' : new Error(`attempt ${calls}`);
      },
    });
    try {
      // A thrown string still arrives as an Error, with its text.
      await expect(attached.firstAttach).rejects.toThrow(/^queue declared with other arguments$/);
      expect(attached.attached).toBe(false);
      const channel = await attached.current(); // waited while the attempts failed
      expect(attached.attached).toBe(true);
      await expect(channel.checkExchange('amq.direct')).resolves.toBeDefined();
      expect(fieldsOf('could not attach a channel, retrying')).toEqual([
        { attempt: 1, error: 'queue declared with other arguments' },
        { attempt: 2, error: 'attempt 2' },
        { attempt: 3, error: 'attempt 3' },
      ]);
    } finally {
      await attached.close();
    }
  });

  it('after the broker closes the channel, re-attaches a new one and says why', async () => {
    const { log, fieldsOf } = recordingLog();
    const attached = attachedChannel(broker, { log, backoff: fast });
    try {
      await attached.firstAttach;
      const first = await attached.current();
      // A passive check of a missing queue is a channel error: the broker closes the channel.
      await expect(first.checkQueue(`missing-${process.pid}-${Date.now()}`)).rejects.toThrow(/NOT_FOUND/);
      await waitUntil(() => fieldsOf('channel lost, re-attaching').length === 1, 'the loss to be noticed');
      const second = await attached.current();
      expect(second).not.toBe(first);
      await expect(second.checkExchange('amq.direct')).resolves.toBeDefined();
      expect(fieldsOf('channel error')).toEqual([{ error: expect.stringMatching(/NOT_FOUND/) }]);
    } finally {
      await attached.close();
    }
    expect(attached.attached).toBe(false);
    expect(fieldsOf('channel lost, re-attaching')).toHaveLength(1); // closing it is not a loss
    await expect(attached.current()).rejects.toThrow('channel closed by its owner'); // never a wait
  });

  it('once closed, current() rejects, and a channel still being set up is closed when it arrives', async () => {
    let letSetupFinish = () => {};
    const setupHeld = new Promise<void>((resolve) => {
      letSetupFinish = resolve;
    });
    let opened: ConfirmChannel | undefined;
    const attached = attachedChannel(broker, {
      backoff: fast,
      setup: async (ch) => {
        opened = ch;
        await setupHeld;
      },
    });
    const waiting = attached.current();
    await waitUntil(() => opened, 'setup to start');
    const closedByLoop = new Promise<void>((resolve) => opened?.once('close', () => resolve()));
    await attached.close();
    await expect(waiting).rejects.toThrow('channel closed by its owner');
    await expect(attached.current()).rejects.toThrow('channel closed by its owner');
    letSetupFinish();
    await closedByLoop; // never left open, never handed out
    expect(attached.attached).toBe(false);
  });
});
