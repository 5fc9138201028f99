import { describe, expect, it } from 'vitest';
import {
  missingServiceMessage,
  missingServicesMessage,
  type ResolverDeps,
  resolveServiceWith,
  ServiceUnavailableError,
  type Started,
} from '../src/resolve.js';
import { resolveServices } from '../src/resolve-service.js';
import type { ServiceName } from '../src/services.js';

/** A resolver world where we decide what answers, and record what got started. */
function world(options: { answers?: string[]; docker?: boolean; env?: NodeJS.ProcessEnv }) {
  const started: string[] = [];
  const start = (what: string, url: string): Promise<Started> => {
    started.push(what);
    return Promise.resolve({ url, stop: async () => void started.push(`stopped ${what}`) });
  };
  const deps: ResolverDeps = {
    env: options.env ?? {},
    probe: async (_name: ServiceName, url: string) => (options.answers ?? []).includes(url),
    dockerAvailable: async () => options.docker ?? false,
    startContainer: (name) => start(`container ${name}`, `container://${name}`),
    startEmbeddedPostgres: () => start('embedded postgres', 'postgres://embedded'),
  };
  return { deps, started };
}

const DEFAULT_PG = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

describe('resolveServiceWith', () => {
  it('uses the env URL when it answers', async () => {
    const { deps } = world({ env: { DATABASE_URL: 'postgres://db:5432/x' }, answers: ['postgres://db:5432/x'] });
    expect(await resolveServiceWith('postgres', deps)).toMatchObject({ url: 'postgres://db:5432/x', source: 'env' });
  });

  it('never falls back when an explicit env URL does not answer, and says which variable', async () => {
    const { deps, started } = world({ env: { REDIS_URL: 'redis://elsewhere:6379' }, docker: true, answers: [] });
    const error = await resolveServiceWith('redis', deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain('REDIS_URL is set to redis://elsewhere:6379');
    expect(started).toEqual([]);
  });

  it('uses the default URL when no env URL is set and it answers', async () => {
    const { deps, started } = world({ answers: [DEFAULT_PG], docker: true });
    expect(await resolveServiceWith('postgres', deps)).toMatchObject({ url: DEFAULT_PG, source: 'default' });
    expect(started).toEqual([]);
  });

  it('starts a container when the default is down and Docker answers, and stop() stops it', async () => {
    const { deps, started } = world({ docker: true });
    const service = await resolveServiceWith('rabbitmq', deps);
    expect(service).toMatchObject({ url: 'container://rabbitmq', source: 'container' });
    await service.stop();
    expect(started).toEqual(['container rabbitmq', 'stopped container rabbitmq']);
  });

  it('prefers a container over embedded Postgres', async () => {
    const { deps } = world({ docker: true });
    expect(await resolveServiceWith('postgres', deps)).toMatchObject({ source: 'container' });
  });

  it('without Docker, starts a real embedded Postgres, and stop() stops it', async () => {
    const { deps, started } = world({ docker: false });
    const service = await resolveServiceWith('postgres', deps);
    expect(service).toMatchObject({ url: 'postgres://embedded', source: 'embedded' });
    await service.stop();
    expect(started).toEqual(['embedded postgres', 'stopped embedded postgres']);
  });

  it('never embeds anything but Postgres', async () => {
    const { deps } = world({ docker: false });
    await expect(resolveServiceWith('redis', deps)).rejects.toThrow(
      /Not reachable, and no Docker engine answered: Redis/,
    );
  });

  it('without Docker, fails with a message naming the command that starts the service', async () => {
    const { deps } = world({ docker: false });
    const error = await resolveServiceWith('rabbitmq', deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).service).toBe('rabbitmq');
    expect((error as Error).message).toBe(missingServiceMessage('rabbitmq'));
    expect((error as Error).message).toContain('docker compose up -d --wait rabbitmq');
    expect((error as Error).message).toContain('Debian/Ubuntu: sudo apt-get install -y rabbitmq-server');
    expect((error as Error).message).toContain('macOS (Homebrew): brew install rabbitmq');
    expect((error as Error).message).toContain('AMQP_URL');
    expect((error as Error).message).not.toContain('guest:guest');
  });

  it('names every missing service at once, with both ways to start each', () => {
    const message = missingServicesMessage(['redis', 'rabbitmq']);
    expect(message).toContain('Not reachable, and no Docker engine answered: Redis, RabbitMQ.');
    expect(message).toContain('docker compose up -d --wait redis rabbitmq');
    expect(message.match(/Debian\/Ubuntu:/g)).toHaveLength(2);
    expect(message.match(/macOS \(Homebrew\):/g)).toHaveLength(2);
  });
});

describe('resolveServices', () => {
  it('reports every service that is down in one error, not only the first', async () => {
    const saved = { REDIS_URL: process.env.REDIS_URL, AMQP_URL: process.env.AMQP_URL };
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    process.env.AMQP_URL = 'amqp://guest:guest@127.0.0.1:1';
    try {
      const error = await resolveServices(['redis', 'rabbitmq']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).services).toEqual(['redis', 'rabbitmq']);
      expect((error as Error).message).toMatch(/REDIS_URL is set[\s\S]*AMQP_URL is set/);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
