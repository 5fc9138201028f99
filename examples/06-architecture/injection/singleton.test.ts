import { useTestDatabase } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { MemoryOutbox, type WelcomeEmail } from '../app/services/email-sender.js';
import { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { openMigratedDatabase } from '../test/support.js';

type SingletonModule = typeof import('../app/services/singleton-user-service.js');
const MODULE = '../app/services/singleton-user-service.js';
const database = useTestDatabase('arch-singleton');
const imported: SingletonModule[] = [];
const ada = { email: 'ada@example.com', name: 'Ada', password: 'correct horse battery' };

/** The only way to choose the singleton's database: set the environment, then import it. */
async function importSingleton(): Promise<SingletonModule> {
  vi.stubEnv('DATABASE_URL', database.url);
  const module: SingletonModule = await import(MODULE);
  imported.push(module);
  return module;
}

beforeAll(async () => {
  await (await openMigratedDatabase(database.url)).close();
});
afterAll(async () => {
  await Promise.all(imported.map((m) => m.singletonDatabase.close()));
  vi.unstubAllEnvs();
});

describe('the singleton (the Q&A wiring)', () => {
  it('cannot even be imported without the environment it reads at import time', async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    await expect(import(MODULE)).rejects.toThrow(/DATABASE_URL is not set/);
    vi.resetModules();
  });

  // #region singleton-shared-state
  it('test A registers Ada', async () => {
    const { singletonUserService } = await importSingleton();
    await expect(singletonUserService.register(ada)).resolves.toMatchObject({ email: ada.email });
  });

  it('test B, written to start from nothing, finds test A’s Ada: the state outlives the test', async () => {
    const { singletonUserService } = await importSingleton(); // the module cache hands back the same one
    expect(imported[1]?.singletonUserService).toBe(imported[0]?.singletonUserService);
    await expect(singletonUserService.register(ada)).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });
  // #endregion singleton-shared-state

  // #region singleton-no-fake
  it('a test that needs a fake mailer has nowhere to pass it; mocking the module builds a second "singleton"', async () => {
    const outbox = new MemoryOutbox();
    const { singletonUserService } = await importSingleton();
    await singletonUserService.register({ ...ada, email: 'grace@example.com' });
    await singletonUserService.drain();
    expect(outbox.sent).toEqual([]); // the welcome went to the console mailer the module chose

    vi.resetModules();
    vi.doMock('../app/services/email-sender.js', () => ({
      ConsoleEmailSender: class {
        sendWelcome = (email: WelcomeEmail) => outbox.sendWelcome(email);
      },
    }));
    const mocked = await importSingleton();
    await mocked.singletonUserService.register({ ...ada, email: 'edsger@example.com' });
    await mocked.singletonUserService.drain();
    expect(outbox.sent).toEqual([{ to: 'edsger@example.com', name: 'Ada' }]);
    expect(mocked.singletonUserService).not.toBe(singletonUserService); // and a second pool with it
    vi.doUnmock('../app/services/email-sender.js');
  });
  // #endregion singleton-no-fake
});

describe('the injected service: each test builds its own', () => {
  const fresh = (mailer = new MemoryOutbox()) =>
    new UserService({
      users: new MemoryUserRepository(),
      hashPassword: async (p) => `fake:${p.length}`,
      mailer,
      logger: createMemoryLogger(),
    });

  // #region injected-isolation
  it('test A registers Ada', async () => {
    await expect(fresh().register(ada)).resolves.toMatchObject({ id: 1, email: ada.email });
  });

  it('test B registers Ada too: it started from nothing', async () => {
    await expect(fresh().register(ada)).resolves.toMatchObject({ id: 1, email: ada.email });
  });

  it('a fake mailer goes in through the constructor and sees the welcome', async () => {
    const outbox = new MemoryOutbox();
    const service = fresh(outbox);
    await service.register(ada);
    await service.drain();
    expect(outbox.sent).toEqual([{ to: ada.email, name: 'Ada' }]);
  });
  // #endregion injected-isolation
});
