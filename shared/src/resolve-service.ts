import { dockerAvailable, startContainer } from './docker.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import {
  missingServicesMessage,
  probeFor,
  type ResolvedService,
  resolveServiceWith,
  ServiceUnavailableError,
} from './resolve.js';
import type { ServiceName } from './services.js';

/**
 * Finds a running service in the handbook's order: its env URL, the default URL, a testcontainers
 * container when a Docker engine answers, a real embedded Postgres server (Postgres only), else a
 * `ServiceUnavailableError` whose message names the commands that start it.
 */
export function resolveService(name: ServiceName): Promise<ResolvedService> {
  return resolveServiceWith(name, {
    env: process.env,
    probe: probeFor(),
    dockerAvailable: () => dockerAvailable(process.env),
    startContainer,
    startEmbeddedPostgres,
  });
}

const URL_KEYS = { postgres: 'databaseUrl', redis: 'redisUrl', rabbitmq: 'amqpUrl' } as const;
type UrlKey = (typeof URL_KEYS)[ServiceName];

/** The URLs of the services named by `S`, each a string: `ServiceUrls<'postgres'>` is `{ databaseUrl }`. */
export type ServiceUrls<S extends ServiceName> = { [K in S as (typeof URL_KEYS)[K]]: string };

/**
 * The URLs of a request, typed by it: `resolveServices(['postgres'])` has a `databaseUrl: string`
 * and no other, and asking for all three gives all three. A list only known at run time (an array,
 * not a tuple) gives optional URLs.
 */
export type UrlsOf<N extends readonly ServiceName[]> = number extends N['length']
  ? Partial<Record<UrlKey, string>>
  : ServiceUrls<N[number]>;

export type ResolvedServices<N extends readonly ServiceName[] = readonly ServiceName[]> = UrlsOf<N> & {
  /** Where each URL came from (env, default, container, embedded), for a preflight to report. */
  sources: Partial<Record<ServiceName, ResolvedService['source']>>;
  stop(): Promise<void>;
};

/** Resolves several services at once; `stop()` stops whatever had to be started for them. */
export async function resolveServices<const N extends readonly ServiceName[]>(names: N): Promise<ResolvedServices<N>> {
  const settled = await Promise.allSettled(names.map((name) => resolveService(name)));
  const resolved = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) {
    // Do not leave a container or an embedded server running for a run that cannot start.
    await Promise.all(resolved.map((s) => s.stop()));
    throw combineFailures(failures);
  }
  const urls: Partial<Record<UrlKey, string>> = {};
  const sources: Partial<Record<ServiceName, ResolvedService['source']>> = {};
  for (const service of resolved) {
    urls[URL_KEYS[service.name]] = service.url;
    sources[service.name] = service.source;
  }
  const stop = async () => void (await Promise.all(resolved.map((s) => s.stop())));
  // Sound by construction: one URL was set above for every name asked for.
  return { ...urls, sources, stop } as ResolvedServices<N>;
}

/** Several missing services become one message that names them all; any other error passes through. */
function combineFailures(failures: unknown[]): unknown {
  const missing = failures.filter((f): f is ServiceUnavailableError => f instanceof ServiceUnavailableError);
  if (missing.length !== failures.length || missing.length === 1) return failures[0];
  const fromEnv = missing.filter((f) => f.message.includes(' is set to '));
  const absent = missing.filter((f) => !fromEnv.includes(f)).map((f) => f.service);
  const parts = [...fromEnv.map((f) => f.message), ...(absent.length > 0 ? [missingServicesMessage(absent)] : [])];
  return new ServiceUnavailableError(
    missing[0]?.service ?? 'postgres',
    parts.join('\n'),
    missing.map((f) => f.service),
  );
}
