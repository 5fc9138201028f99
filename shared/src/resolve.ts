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

export class ServiceUnavailableError extends Error {
  readonly service: ServiceName;
  /** Every service that could not be found, when several were asked for at once. */
  readonly services: ServiceName[];

  constructor(service: ServiceName, message: string, services: ServiceName[] = [service]) {
    super(message);
    this.name = 'ServiceUnavailableError';
    this.service = service;
    this.services = services;
  }
}

const noop = async (): Promise<void> => {};

export async function resolveServiceWith(name: ServiceName, deps: ResolverDeps): Promise<ResolvedService> {
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
  if (name === 'postgres') {
    const started = await deps.startEmbeddedPostgres();
    return { name, ...started, source: 'embedded' };
  }
  throw new ServiceUnavailableError(name, missingServiceMessage(name));
}

export function missingServiceMessage(name: ServiceName): string {
  return missingServicesMessage([name]);
}

/** One paragraph for every service that is missing, with both ways to start each. */
export function missingServicesMessage(names: readonly ServiceName[]): string {
  const specs = names.map((name) => SERVICES[name]);
  const labels = specs.map((spec) => spec.label).join(', ');
  const lines = [
    `Not reachable, and no Docker engine answered: ${labels}.`,
    `With Docker, from the repository root: docker compose up -d --wait ${specs.map((s) => s.composeService).join(' ')}`,
    'Natively:',
  ];
  for (const spec of specs) {
    lines.push(`  ${spec.label} at ${redact(spec.defaultUrl)}, or set ${spec.envVar}:`);
    lines.push(`    Debian/Ubuntu: ${spec.native.debian}`);
    lines.push(`    macOS (Homebrew): ${spec.native.homebrew}`);
  }
  return lines.join('\n');
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
