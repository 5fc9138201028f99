import type { Redis } from 'ioredis';

/** Where an account balance lives: memory for one process, Redis when several processes share it. */
export interface BalanceStore {
  read(): Promise<number>;
  write(balance: number): Promise<void>;
}

export function memoryBalance(initial: number): BalanceStore {
  let balance = initial;
  return {
    read: async () => balance,
    write: async (next) => {
      balance = next;
    },
  };
}

/** A plain GET/SET pair: shared by every process, but nothing makes read-then-write atomic. */
export function redisBalance(redis: Redis, key: string): BalanceStore {
  return {
    read: async () => Number((await redis.get(key)) ?? 0),
    write: async (next) => {
      await redis.set(key, String(next));
    },
  };
}
