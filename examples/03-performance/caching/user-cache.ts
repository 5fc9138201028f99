import type { Redis } from 'ioredis';
import type { User } from '../users/user.js';

export interface UserCacheOptions {
  /** Every key starts with it, so one Redis can hold several apps (and tests) side by side. */
  prefix: string;
  ttlSeconds: number;
  /** How long "no such user" is remembered: short, so a user created later shows up soon. */
  missingTtlSeconds: number;
  /** Reads the source of truth on a miss. */
  load: (id: number) => Promise<User | null>;
  /**
   * How long one Redis command may take before the cache is skipped: a cache slower than the
   * database it fronts is an outage of its own. 100 ms unless set.
   */
  timeoutMs?: number;
  /** Told of each Redis command that failed or timed out, for a log line or a metric. */
  onCacheError?: (error: Error) => void;
}

/** Redis took longer than `timeoutMs`, or failed: the cache was skipped for this call. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
}

// Stryker disable next-line StringLiteral: any marker no user's JSON can equal works alike; get() only compares it, never parses it
const MISSING = '{"missing":true}';

// #region cache-aside
/**
 * Cache-aside in Redis, shared by every process: read the cache, on a miss load and store with a
 * TTL. Missing ids are cached too (a negative entry), and concurrent misses of one key in this
 * process share a single load instead of stampeding the database. The cache is never what a read
 * waits on: a Redis that is down, or too slow to answer within `timeoutMs`, is skipped, and the
 * read goes to the database.
 */
export class UserCache {
  private readonly inFlight = new Map<number, Promise<User | null>>();

  constructor(
    private readonly redis: Redis,
    private readonly options: UserCacheOptions,
  ) {}

  key(id: number): string {
    return `${this.options.prefix}user:${id}`;
  }

  async get(id: number): Promise<User | null> {
    const cached = await this.cached(() => this.redis.get(this.key(id)), `reading user ${id}`).catch(() => null);
    if (cached === MISSING) return null;
    if (cached !== null) return JSON.parse(cached) as User;
    return this.loadOnce(id);
  }

  /**
   * Call after the database write commits: the next read loads the new row. A load that began
   * before the write can still store the old row just after this; the TTL bounds how long.
   */
  async invalidate(id: number): Promise<void> {
    this.inFlight.delete(id); // readers from now on must not join a load that began before the write
    // Not skipped like a read: the caller must learn that readers can see the old row for a while.
    await this.cached(() => this.redis.del(this.key(id)), `dropping user ${id}`).catch((error: Error) => {
      const staleFor = `up to ${this.options.ttlSeconds} s`;
      throw new CacheUnavailableError(
        `user ${id} was not dropped from the cache: readers may see the old row for ${staleFor}`,
        { cause: error },
      );
    });
  }

  private loadOnce(id: number): Promise<User | null> {
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const loading = this.loadAndStore(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, loading);
    return loading;
  }

  private async loadAndStore(id: number): Promise<User | null> {
    const user = await this.options.load(id);
    const { ttlSeconds, missingTtlSeconds } = this.options;
    const [value, ttl] = user ? [JSON.stringify(user), ttlSeconds] : [MISSING, missingTtlSeconds];
    // The user is loaded: a cache that cannot keep it costs the next read a load, not this one.
    await this.cached(() => this.redis.set(this.key(id), value, 'EX', ttl), `storing user ${id}`).catch(() => {});
    return user;
  }

  /** One Redis command, bounded by `timeoutMs`; a failure or timeout is reported, then rejected. */
  private async cached<T>(command: () => Promise<T>, what: string): Promise<T> {
    const ms = this.options.timeoutMs ?? 100;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheUnavailableError(`Redis did not answer within ${ms} ms, ${what}`)), ms);
    });
    try {
      return await Promise.race([command(), timedOut]);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.options.onCacheError?.(failure);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }
}
// #endregion cache-aside
