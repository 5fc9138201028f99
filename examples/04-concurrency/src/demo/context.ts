import type { Redis } from 'ioredis';

/** What main.ts hands every demo: live services, a private key space, and how to print. */
export interface DemoContext {
  redis: Redis;
  redisUrl: string;
  /** A fresh database created for this run and dropped after it. */
  databaseUrl: string;
  /** Every Redis key the demos write starts with this; main deletes them at the end. */
  prefix: string;
  smoke: boolean;
  heading(title: string): void;
}

export const look = (line: string) => console.log(`Look for: ${line}`);
