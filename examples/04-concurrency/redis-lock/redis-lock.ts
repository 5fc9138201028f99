import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** A held lock: `owner` proves who holds it, `fence` orders holders over time. */
export interface Lock {
  key: string;
  owner: string;
  fence: number;
}

export class LockTimeoutError extends Error {
  constructor(readonly key: string) {
    super(`could not acquire lock ${key} in time`);
    this.name = 'LockTimeoutError';
  }
}

// #region lock-scripts
// Acquire and take the next fencing token in one atomic step: no holder without a token. The token
// never falls below Redis' clock in microseconds, so it keeps growing across a restart that lost the
// counter (INCR alone would start again at 1, a token a holder may still be using).
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local now = redis.call('TIME')
  local token = math.max(now[1] * 1000000 + now[2], tonumber(redis.call('GET', KEYS[2]) or '0') + 1)
  redis.call('SET', KEYS[2], string.format('%.0f', token))
  return token
end
return 0`;

// Delete only our own lock: after an expiry the key may belong to someone else.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// The protected resource refuses a write from a holder older than one it has already seen.
const FENCED_WRITE = `
local last = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if tonumber(ARGV[1]) < last then return 0 end
redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'value', ARGV[2])
return 1`;
// #endregion lock-scripts

interface LockCommands {
  acquireFencedLock(lockKey: string, fenceKey: string, owner: string, ttlMs: number): Promise<number>;
  releaseOwnLock(lockKey: string, owner: string): Promise<number>;
  fencedWrite(resourceKey: string, fence: number, value: string): Promise<number>;
}

/** The clients whose scripts are registered: each client once, however many calls it serves. */
const registered = new WeakMap<Redis, Redis & LockCommands>();

/** Registers the scripts once per client (ioredis then sends EVALSHA, falling back to EVAL). */
function commands(redis: Redis): Redis & LockCommands {
  return registered.get(redis) ?? registerLockCommands(redis);
}

function registerLockCommands(redis: Redis): Redis & LockCommands {
  redis.defineCommand('acquireFencedLock', { numberOfKeys: 2, lua: ACQUIRE });
  redis.defineCommand('releaseOwnLock', { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand('fencedWrite', { numberOfKeys: 1, lua: FENCED_WRITE });
  const withCommands = redis as Redis & LockCommands;
  // Stryker disable next-line CallExpression: without it each call registers the scripts again, with the same SHAs and answers; only the work repeats (redis-lua's 1,000 transfers time out on it)
  registered.set(redis, withCommands);
  return withCommands;
}

// #region acquire-release
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<Lock | null> {
  const owner = randomUUID();
  const fence = await commands(redis).acquireFencedLock(key, `${key}:fence`, owner, ttlMs);
  return fence > 0 ? { key, owner, fence } : null;
}

/** False when the lock had already expired (and maybe passed to someone else). */
export async function releaseLock(redis: Redis, lock: Lock): Promise<boolean> {
  return (await commands(redis).releaseOwnLock(lock.key, lock.owner)) === 1;
}
// #endregion acquire-release

/** Writes `value` to a resource guarded by fencing tokens; false when a newer holder already wrote. */
export async function fencedWrite(redis: Redis, resourceKey: string, lock: Lock, value: string): Promise<boolean> {
  return (await commands(redis).fencedWrite(resourceKey, lock.fence, value)) === 1;
}

// #region with-lock
/** Runs `work` while holding the lock, retrying acquisition until `waitMs` has passed. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  work: (lock: Lock) => Promise<T>,
  { ttlMs = 10_000, waitMs = 5_000, retryMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let lock = await acquireBefore(redis, key, ttlMs, deadline);
  while (!lock) {
    if (Date.now() > deadline) throw new LockTimeoutError(key);
    await sleep(retryMs + Math.random() * retryMs);
    lock = await acquireBefore(redis, key, ttlMs, deadline);
  }
  try {
    return await work(lock);
  } finally {
    // false here means the TTL ran out mid-work and someone else may hold the lock: only a
    // fenced write keeps the data safe in that case. Size ttlMs well above the work.
    await releaseLock(redis, lock);
  }
}
// #endregion with-lock

// #region deadline
/**
 * acquireLock, given up at `deadline` even when Redis does not answer (paused, or a network that
 * drops packets). Redis may still grant the lock afterwards: it is then released at once rather
 * than left to block everyone for a whole TTL.
 */
async function acquireBefore(redis: Redis, key: string, ttlMs: number, deadline: number): Promise<Lock | null> {
  const attempt = acquireLock(redis, key, ttlMs);
  const gaveUp = new AbortController();
  const outcome = await Promise.race([
    attempt,
    sleep(Math.max(0, deadline - Date.now()), 'gave up' as const, { signal: gaveUp.signal }),
  ]).finally(() => gaveUp.abort());
  if (outcome !== 'gave up') return outcome;
  attempt.then((late) => late && releaseLock(redis, late)).catch(() => {});
  throw new LockTimeoutError(key);
}
// #endregion deadline

// #region naive-lock
/** No expiry: if the holder crashes, the lock is held forever. */
export async function naiveAcquireLock(redis: Redis, key: string): Promise<boolean> {
  // Stryker disable next-line StringLiteral: only the key's existence is the lock here; any value behaves the same
  const anyValue = 'locked';
  return (await redis.set(key, anyValue, 'NX')) === 'OK';
}

/** No owner check: a holder whose lock expired deletes the lock somebody else now holds. */
export async function naiveReleaseLock(redis: Redis, key: string): Promise<void> {
  await redis.del(key);
}
// #endregion naive-lock
