import {
  missingServicesMessage,
  postgresSetting,
  type ResolvedService,
  resolveService,
  type ServiceName,
  ServiceUnavailableError,
} from '@cookbook/shared';
import type { Example, Service } from './catalog.js';

/** What the preflight found for one service: where it came from, or why it is missing. */
export type Found =
  | { service: Service; resolved: ResolvedService }
  | { service: Service; missing: ServiceUnavailableError };

export interface Preflight {
  found: Found[];
  /** The env a test run needs so every package uses the services found here (one embedded server, say). */
  env: NodeJS.ProcessEnv;
  /** Why a package cannot run, by folder; packages not listed can. */
  blocked: Map<string, string>;
  stop(): Promise<void>;
}

const ENV_VAR: Record<Service, string> = { postgres: 'DATABASE_URL', redis: 'REDIS_URL', rabbitmq: 'AMQP_URL' };

/**
 * Resolves every service the chosen packages need, once and before any of them runs, and finds the
 * packages that cannot run: a missing service, or Postgres without prepared transactions for a
 * package that declares `"preparedTransactions": true`.
 */
export async function preflight(examples: readonly Example[]): Promise<Preflight> {
  const needed = [...new Set(examples.flatMap((e) => e.services))];
  const found = await Promise.all(needed.map(find));
  const env: NodeJS.ProcessEnv = {};
  for (const entry of found) if ('resolved' in entry) env[ENV_VAR[entry.service]] = entry.resolved.url;
  const postgres = found.find(
    (f): f is Extract<Found, { resolved: ResolvedService }> => f.service === 'postgres' && 'resolved' in f,
  );
  const prepared = postgres
    ? Number(await postgresSetting(postgres.resolved.url, 'max_prepared_transactions'))
    : undefined;
  const blocked = new Map<string, string>();
  for (const example of examples) {
    const missing = found.filter((f) => 'missing' in f && example.services.includes(f.service));
    if (missing.length > 0) {
      blocked.set(example.folder, `needs ${missing.map((m) => m.service).join(', ')}, not found (why: below)`);
    } else if (example.preparedTransactions && prepared === 0) {
      blocked.set(example.folder, 'needs max_prepared_transactions > 0 (fix: below)');
    }
  }
  return {
    found,
    env,
    blocked,
    stop: async () => {
      await Promise.all(found.map((f) => ('resolved' in f ? f.resolved.stop() : undefined)));
    },
  };
}

async function find(service: Service): Promise<Found> {
  try {
    return { service, resolved: await resolveService(service as ServiceName) };
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return { service, missing: error };
    throw error;
  }
}

/** The fix for a Postgres with two-phase commit off, on each kind of install. */
export const PREPARED_TRANSACTIONS_FIX = [
  'PostgreSQL has max_prepared_transactions = 0, so two-phase commit (08-transactions) cannot run. Raise it, then restart:',
  "  psql -U postgres -c 'ALTER SYSTEM SET max_prepared_transactions = 64'   (sudo -u postgres psql … on Debian)",
  '  Debian/Ubuntu: sudo pg_ctlcluster "$(ls /etc/postgresql)" main restart   (no systemd needed)',
  '  macOS (Homebrew): brew services restart postgresql@17',
  '  Docker: the compose file already starts postgres with -c max_prepared_transactions=64',
].join('\n');

/** One line per package: what it found where, or what it is missing. */
export function preflightReport(examples: readonly Example[], result: Preflight): string[] {
  const lines = examples.map((example) => {
    const parts = example.services.map((service) => {
      const entry = result.found.find((f) => f.service === service);
      return entry && 'resolved' in entry ? `${service} (${entry.resolved.source})` : `${service} MISSING`;
    });
    const why = result.blocked.get(example.folder);
    return `  ${example.folder.padEnd(26)} ${parts.join(', ') || 'no services'}${why ? `  → cannot run: ${why}` : ''}`;
  });
  const errors = result.found.flatMap((f) => ('missing' in f ? [f.missing] : []));
  // An unreachable env URL has its own message; the others are named together with how to start them.
  const fromEnv = errors.filter((e) => e.message.includes(' is set to ')).map((e) => e.message);
  const absent = errors.filter((e) => !e.message.includes(' is set to ')).map((e) => e.service);
  const missing = [...fromEnv, ...(absent.length > 0 ? [missingServicesMessage(absent)] : [])];
  const prepared = [...result.blocked.values()].some((why) => why.includes('max_prepared_transactions'));
  return [...lines, ...missing, ...(prepared ? [PREPARED_TRANSACTIONS_FIX] : [])];
}
