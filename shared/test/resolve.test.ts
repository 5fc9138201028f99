import { describe, expect, it } from 'vitest';
import {
  missingServiceMessage,
  type ResolverDeps,
  resolveServiceWith,
  ServiceUnavailableError,
  type Started,
} from '../src/resolve.js';
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
    startEmbeddedPostgres: () => start('pglite', 'postgres://embedded'),
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

  it('prefers a container over embedded PGlite', async () => {
    const { deps } = world({ docker: true });
    expect(await resolveServiceWith('postgres', deps, { allowEmbedded: true })).toMatchObject({ source: 'container' });
  });

  it('without Docker, falls back to embedded PGlite only where the example allows it', async () => {
    const { deps } = world({ docker: false });
    expect(await resolveServiceWith('postgres', deps, { allowEmbedded: true })).toMatchObject({
      url: 'postgres://embedded',
      source: 'embedded',
    });
    await expect(resolveServiceWith('postgres', deps)).rejects.toThrow(ServiceUnavailableError);
  });

  it('never embeds anything but Postgres', async () => {
    const { deps } = world({ docker: false });
    await expect(resolveServiceWith('redis', deps, { allowEmbedded: true })).rejects.toThrow(/Redis is not reachable/);
  });

  it('without Docker, fails with a message naming the command that starts the service', async () => {
    const { deps } = world({ docker: false });
    const error = await resolveServiceWith('rabbitmq', deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).service).toBe('rabbitmq');
    expect((error as Error).message).toBe(missingServiceMessage('rabbitmq'));
    expect((error as Error).message).toContain('docker compose up -d --wait rabbitmq');
    expect((error as Error).message).toContain('AMQP_URL');
    expect((error as Error).message).not.toContain('guest:guest');
  });
});
