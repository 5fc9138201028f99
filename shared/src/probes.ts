import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ServiceName } from './services.js';

/** Answers true when the service at `url` accepts a real protocol round trip within `timeoutMs`. */
export type Probe = (url: string, timeoutMs?: number) => Promise<boolean>;

export async function probePostgres(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A refused connection also emits 'error'; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function probeRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function probeRabbitmq(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    connection.on('error', () => {});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

export const PROBES: Readonly<Record<ServiceName, Probe>> = {
  postgres: probePostgres,
  redis: probeRedis,
  rabbitmq: probeRabbitmq,
};

/** One server setting of the Postgres at `url` (`SHOW name`), e.g. `max_prepared_transactions`. */
export async function postgresSetting(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(`SHOW ${name.replace(/[^a-z_]/g, '')}`);
    return Object.values(rows[0] ?? {})[0] ?? '';
  } finally {
    await client.end();
  }
}
