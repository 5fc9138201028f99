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

const URL_KEYS = { postgres: 'databaseUrl', redis: 'redisUrl', rabbitmq: 'amqpUrl' } as const;
type UrlKey = (typeof URL_KEYS)[ServiceName];

/**
 * The URLs of the services asked for, typed by the request: `resolveServices(['postgres'])` has a
 * `databaseUrl: string` and no other. A list only known at run time gives optional URLs.
 */
export type ServiceUrls<S extends ServiceName> = ServiceName extends S
  ? Partial<Record<UrlKey, string>>
  : { [K in S as (typeof URL_KEYS)[K]]: string };

export type ResolvedServices<S extends ServiceName = ServiceName> = ServiceUrls<S> & {
  /** Where each URL came from (env, default, container, embedded), for a preflight to report. */
  sources: Partial<Record<ServiceName, ResolvedService['source']>>;
  stop(): Promise<void>;
};

/** Resolves several services at once; `stop()` stops whatever had to be started for them. */
export async function resolveServices<const S extends ServiceName>(
  names: readonly S[],
  options: ResolveOptions = {},
): Promise<ResolvedServices<S>> {
  const settled = await Promise.allSettled(names.map((name) => resolveService(name, options)));
  const resolved = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    // Do not leave a container running for a service we will not use.
    await Promise.all(resolved.map((s) => s.stop()));
    throw failure.reason;
  }
  const urls: Partial<Record<UrlKey, string>> = {};
  const sources: Partial<Record<ServiceName, ResolvedService['source']>> = {};
  for (const service of resolved) {
    urls[URL_KEYS[service.name]] = service.url;
    sources[service.name] = service.source;
  }
  const stop = async () => void (await Promise.all(resolved.map((s) => s.stop())));
  // Sound by construction: one URL was set above for every name asked for.
  return { ...urls, sources, stop } as ResolvedServices<S>;
}
