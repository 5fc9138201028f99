import { afterEach, describe, expect, it, vi } from 'vitest';
import { logMailer, memoryOutbox } from './mailer.js';

const message = { to: 'ada@example.com', subject: 'Welcome', text: 'Your account is ready.' };

afterEach(() => vi.restoreAllMocks());

describe('mailers', () => {
  it('memoryOutbox keeps every message, in order', async () => {
    const outbox = memoryOutbox();
    await outbox.send(message);
    await outbox.send({ ...message, subject: 'Again' });
    expect(outbox.messages).toEqual([message, { ...message, subject: 'Again' }]);
  });

  it('logMailer logs that a message left, by subject, and never the address or the text', async () => {
    const lines: string[] = [];
    await logMailer((line) => lines.push(line)).send(message);
    expect(lines).toEqual(['mail queued: "Welcome"']);
  });

  it('logMailer logs to console.log unless told otherwise', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await logMailer().send(message);
    expect(log.mock.calls).toEqual([['mail queued: "Welcome"']]);
  });
});
