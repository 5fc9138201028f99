import { PROBES, type Probe } from './probes.js';
import { envUrl, SERVICES, type ServiceName } from './services.js';

/** Where a service URL came from, in the order they are tried. */
export type ServiceSource = 'env' | 'default' | 'container' | 'embedded';

export interface ResolvedService {
  name: ServiceName;
  url: string;
  source: ServiceSource;
  /** Stops what the resolver started (a container, an embedded server); a no-op otherwise. */
  stop(): Promise<void>;
}

export interface Started {
  url: string;
  stop(): Promise<void>;
}

/** Everything the resolver touches, so its decisions can be tested without a network. */
export interface ResolverDeps {
  env: NodeJS.ProcessEnv;
  probe(name: ServiceName, url: string): Promise<boolean>;
  dockerAvailable(): Promise<boolean>;
  startContainer(name: ServiceName): Promise<Started>;
  startEmbeddedPostgres(): Promise<Started>;
}

export interface ResolveOptions {
  /** Allow embedded PGlite for Postgres: one session underneath, fine for CRUD, wrong for lock demos. */
  allowEmbedded?: boolean;
}

export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: ServiceName,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

const noop = async (): Promise<void> => {};

export async function resolveServiceWith(
  name: ServiceName,
  deps: ResolverDeps,
  options: ResolveOptions = {},
): Promise<ResolvedService> {
  const spec = SERVICES[name];
  const fromEnv = envUrl(name, deps.env);
  if (fromEnv) {
    // An explicit URL is a promise from the user: never silently replace it with something else.
    if (await deps.probe(name, fromEnv)) return { name, url: fromEnv, source: 'env', stop: noop };
    throw new ServiceUnavailableError(name, envUrlDownMessage(name, fromEnv));
  }
  if (await deps.probe(name, spec.defaultUrl)) {
    return { name, url: spec.defaultUrl, source: 'default', stop: noop };
  }
  if (await deps.dockerAvailable()) {
    const started = await deps.startContainer(name);
    return { name, ...started, source: 'container' };
  }
  if (name === 'postgres' && options.allowEmbedded) {
    const started = await deps.startEmbeddedPostgres();
    return { name, ...started, source: 'embedded' };
  }
  throw new ServiceUnavailableError(name, missingServiceMessage(name));
}

export function missingServiceMessage(name: ServiceName): string {
  const spec = SERVICES[name];
  return [
    `${spec.label} is not reachable at ${redact(spec.defaultUrl)} and no Docker engine answered.`,
    `Start it with \`docker compose up -d --wait ${spec.composeService}\` from the repository root,`,
    `or point ${spec.envVar} at a running ${spec.label}.`,
  ].join(' ');
}

export function envUrlDownMessage(name: ServiceName, url: string): string {
  const spec = SERVICES[name];
  return [
    `${spec.envVar} is set to ${redact(url)} but ${spec.label} does not answer there.`,
    `Start it (\`docker compose up -d --wait ${spec.composeService}\` for the bundled one),`,
    `or unset ${spec.envVar} to use the default ${redact(spec.defaultUrl)}.`,
  ].join(' ');
}

/** Hides a password in a URL before it is printed. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function probeFor(probes: Readonly<Record<ServiceName, Probe>> = PROBES) {
  return (name: ServiceName, url: string): Promise<boolean> => probes[name](url);
}
