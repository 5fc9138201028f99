import { describe, expect, it } from 'vitest';
import { EmailTakenError, NotFoundError } from '../app/errors.js';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { type EmailSender, MemoryOutbox } from '../app/services/email-sender.js';
import { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';

// #region service-fakes
/** No database, no HTTP: the service gets fakes through its constructor, as the composition root would pass real ones. */
function serviceWith(mailer: EmailSender = new MemoryOutbox()) {
  const users = new MemoryUserRepository();
  const logger = createMemoryLogger();
  const hashed: string[] = [];
  const hashPassword = async (password: string) => {
    hashed.push(password);
    return `fake-hash:${password.length}`;
  };
  return { service: new UserService({ users, hashPassword, mailer, logger }), users, logger, hashed };
}
// #endregion service-fakes

describe('UserService with a fake repository', () => {
  // #region service-unit-test
  it('registers with a normalised email, hashes the password, returns no hash, sends one welcome', async () => {
    const outbox = new MemoryOutbox();
    const { service, hashed } = serviceWith(outbox);
    const user = await service.register({ email: ' Ada@Example.COM ', name: 'Ada', password: 'correct horse' });
    expect(user).toEqual({ id: 1, email: 'ada@example.com', name: 'Ada', createdAt: expect.any(Date) });
    expect(hashed).toEqual(['correct horse']);
    await service.drain();
    expect(outbox.sent).toEqual([{ to: 'ada@example.com', name: 'Ada' }]);
  });
  // #endregion service-unit-test

  it('a second registration of the email is EmailTakenError', async () => {
    const { service } = serviceWith();
    await service.register({ email: 'ada@example.com', name: 'Ada', password: 'correct horse' });
    await expect(
      service.register({ email: 'ADA@example.com', name: 'Eve', password: 'other pass' }),
    ).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('unknown ids are NotFoundError for get, update and remove, each naming the user', async () => {
    const { service } = serviceWith();
    for (const attempt of [service.getById(9), service.update(9, { name: 'X' }), service.remove(9)]) {
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      await expect(attempt).rejects.toThrow('User 9 was not found');
    }
  });

  it('renames and removes the user it is asked about, and no other', async () => {
    const { service } = serviceWith();
    const ada = await service.register({ email: 'ada@example.com', name: 'Ada', password: 'correct horse' });
    const grace = await service.register({ email: 'grace@example.com', name: 'Grace', password: 'correct horse' });
    expect(await service.update(ada.id, { name: 'Ada L.' })).toEqual({ ...ada, name: 'Ada L.' });
    await service.remove(ada.id);
    await expect(service.getById(ada.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await service.getById(grace.id)).toEqual(grace);
  });

  it('a failing mailer leaves the registration successful and logs the failure', async () => {
    const { service, logger } = serviceWith({ sendWelcome: () => Promise.reject(new Error('mailer down')) });
    const user = await service.register({ email: 'ada@example.com', name: 'Ada', password: 'correct horse' });
    await service.drain();
    expect(await service.getById(user.id)).toEqual(user);
    expect(logger.entries).toEqual([
      { level: 'error', message: 'welcome email failed', fields: { userId: user.id, error: 'Error: mailer down' } },
    ]);
  });

  it('a mailer that throws synchronously cannot fail the registration either', async () => {
    const { service, logger } = serviceWith({
      sendWelcome: () => {
        throw new Error('mailer misconfigured');
      },
    });
    await expect(
      service.register({ email: 'ada@example.com', name: 'Ada', password: 'correct horse' }),
    ).resolves.toMatchObject({ id: 1 });
    await service.drain();
    expect(logger.entries.map((e) => e.message)).toEqual(['welcome email failed']);
  });

  it('drain() waits for the welcome emails already started, so shutdown does not cut them off', async () => {
    let release: (() => void) | undefined;
    const slow: EmailSender = { sendWelcome: () => new Promise<void>((resolve) => (release = resolve)) };
    const { service } = serviceWith(slow);
    await service.register({ email: 'ada@example.com', name: 'Ada', password: 'correct horse' });
    let drained = false;
    const draining = service.drain().then(() => (drained = true));
    await new Promise(setImmediate); // one turn of the loop: the send has started, not finished
    expect([drained, release !== undefined, service.pendingWelcomes]).toEqual([false, true, 1]);
    release?.();
    await draining;
    // A settled send is let go: a long-running process does not keep one promise per sign-up.
    expect([drained, service.pendingWelcomes]).toEqual([true, 0]);
  });

  it('lists page by page', async () => {
    const { service } = serviceWith();
    for (const name of ['a', 'b', 'c'])
      await service.register({ email: `${name}@example.com`, name, password: 'correct horse' });
    const first = await service.list({ limit: 2 });
    expect(first.items.map((u) => u.name)).toEqual(['a', 'b']);
    const second = await service.list({ limit: 2, after: first.nextCursor ?? 0 });
    expect([second.items.map((u) => u.name), second.nextCursor]).toEqual([['c'], null]);
    // Exactly a page's worth left: that page is the last, not one that points at an empty one.
    expect((await service.list({ limit: 3 })).nextCursor).toBeNull();
  });
});
