import type { Redis } from 'ioredis';

export interface ServiceInstance {
  service: string;
  id: string;
  url: string;
}

export interface Registration {
  /** Stops heartbeating and removes the instance at once (graceful shutdown). */
  deregister(): Promise<void>;
  /** Stops heartbeating only: the instance ages out after its TTL, as if it had crashed. */
  stopHeartbeat(): void;
}

/** What services need from discovery; Consul, Kubernetes DNS or Redis can sit behind it. */
export interface Registry {
  register(
    instance: ServiceInstance,
    options: { ttlMs: number; healthCheck?: () => Promise<boolean> },
  ): Promise<Registration>;
  /** Instances whose last healthy heartbeat is younger than their TTL. */
  lookup(service: string): Promise<(ServiceInstance & { expiresAt: number })[]>;
}

// #region redis-registry
/**
 * A sorted set per service: member = instance, score = when its registration expires, on Redis's
 * clock so instances with skewed clocks agree. A heartbeat renews the score only while the
 * instance's own health check passes; lookups ignore expired scores and prune them.
 */
export class RedisRegistry implements Registry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(service: string) {
    return `${this.prefix}services:${service}`;
  }

  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async register(
    instance: ServiceInstance,
    { ttlMs, healthCheck = async () => true }: { ttlMs: number; healthCheck?: () => Promise<boolean> },
  ) {
    const member = JSON.stringify(instance);
    const beat = async () => {
      if (await healthCheck().catch(() => false)) {
        await this.redis.zadd(this.key(instance.service), (await this.now()) + ttlMs, member);
      }
    };
    await beat();
    // Three beats per TTL: one late or lost beat does not drop a healthy instance.
    const timer = setInterval(() => void beat().catch(() => {}), ttlMs / 3);
    timer.unref();
    return {
      stopHeartbeat: () => clearInterval(timer),
      deregister: async () => {
        clearInterval(timer);
        await this.redis.zrem(this.key(instance.service), member);
      },
    };
  }

  async lookup(service: string) {
    const now = await this.now();
    await this.redis.zremrangebyscore(this.key(service), '-inf', now);
    const entries = await this.redis.zrangebyscore(this.key(service), `(${now}`, '+inf', 'WITHSCORES');
    const instances: (ServiceInstance & { expiresAt: number })[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      instances.push({ ...(JSON.parse(entries[i] as string) as ServiceInstance), expiresAt: Number(entries[i + 1]) });
    }
    return instances;
  }
}
// #endregion redis-registry

/**
 * A `healthCheck` for `register`: the instance's own readiness probe over HTTP, as Consul's agent
 * would call it, so the registry renews exactly while the orchestrator would send it traffic.
 */
export function readinessOf(url: string, timeoutMs = 1_000): () => Promise<boolean> {
  return async () => (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
}

/** Client-side load balancing: a random healthy instance, or a clear error naming the service. */
export async function pickInstance(registry: Registry, service: string): Promise<string> {
  const instances = await registry.lookup(service);
  const chosen = instances[Math.floor(Math.random() * instances.length)];
  if (!chosen) throw new Error(`no healthy instance of ${service} is registered`);
  return chosen.url;
}
