import { dockerAvailable, startContainer } from './docker.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { probeFor, type ResolvedService, type ResolveOptions, resolveServiceWith } from './resolve.js';
import type { ServiceName } from './services.js';

/**
 * Finds a running service in the handbook's order: its env URL, the default URL, a testcontainers
 * container when a Docker engine answers, embedded PGlite (Postgres, when allowed), else a
 * `ServiceUnavailableError` whose message names the command that starts it.
 */
export function resolveService(name: ServiceName, options: ResolveOptions = {}): Promise<ResolvedService> {
  return resolveServiceWith(
    name,
    {
      env: process.env,
      probe: probeFor(),
      dockerAvailable: () => dockerAvailable(process.env),
      startContainer,
      startEmbeddedPostgres,
    },
    options,
  );
}

export interface ResolvedServices {
  databaseUrl?: string;
  redisUrl?: string;
  amqpUrl?: string;
  stop(): Promise<void>;
}

const URL_KEYS = { postgres: 'databaseUrl', redis: 'redisUrl', rabbitmq: 'amqpUrl' } as const;

/** Resolves several services at once; `stop()` stops whatever had to be started for them. */
export async function resolveServices(
  names: readonly ServiceName[],
  options: ResolveOptions = {},
): Promise<ResolvedServices> {
  const settled = await Promise.allSettled(names.map((name) => resolveService(name, options)));
  const resolved = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    // Do not leave a container running for a service we will not use.
    await Promise.all(resolved.map((s) => s.stop()));
    throw failure.reason;
  }
  const result: ResolvedServices = { stop: async () => void (await Promise.all(resolved.map((s) => s.stop()))) };
  for (const service of resolved) result[URL_KEYS[service.name]] = service.url;
  return result;
}
