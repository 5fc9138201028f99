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
}

// Stryker disable next-line StringLiteral: any marker no user's JSON can equal works alike; get() only compares it, never parses it
const MISSING = '{"missing":true}';

// #region cache-aside
/**
 * Cache-aside in Redis, shared by every process: read the cache, on a miss load and store with a
 * TTL. Missing ids are cached too (a negative entry), and concurrent misses of one key in this
 * process share a single load instead of stampeding the database.
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
    const cached = await this.redis.get(this.key(id));
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
    await this.redis.del(this.key(id));
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
    if (user) await this.redis.set(this.key(id), JSON.stringify(user), 'EX', ttlSeconds);
    else await this.redis.set(this.key(id), MISSING, 'EX', missingTtlSeconds);
    return user;
  }
}
// #endregion cache-aside
