import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRabbitNames, rabbitNames } from '../src/rabbit-names.js';
import { deleteRedisPrefix, redisPrefix } from '../src/redis-prefix.js';
import { createScratchDatabase } from '../src/scratch-database.js';
import { SERVICES } from '../src/services.js';

const adminUrl = SERVICES.postgres.defaultUrl;

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('per-test-file isolation', () => {
  it('creates a fresh database, and drop() removes it even with a connection still open', async () => {
    const database = await createScratchDatabase(adminUrl, 'isolation check');
    expect(database.name).toMatch(/^cb_isolation_check_[0-9a-f]{8}$/);
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => {}); // the forced drop ends this connection
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]?.db).toBe(database.name);
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
    await client.end().catch(() => {});
  });

  const redis = new Redis(SERVICES.redis.defaultUrl);
  afterAll(() => redis.quit());

  it('gives each caller its own Redis prefix and deletes only its keys', async () => {
    const mine = redisPrefix('isolation');
    const theirs = redisPrefix('isolation');
    expect(mine).not.toBe(theirs);
    for (let i = 0; i < 1200; i++) await redis.set(`${mine}${i}`, 'x');
    await redis.set(`${theirs}kept`, 'x');
    expect(await deleteRedisPrefix(redis, mine)).toBe(1200);
    expect(await redis.exists(`${theirs}kept`)).toBe(1);
    await deleteRedisPrefix(redis, theirs);
  });

  it('hands out unique RabbitMQ names and deletes every one it handed out', async () => {
    const names = rabbitNames('isolation');
    const connection = await amqp.connect(SERVICES.rabbitmq.defaultUrl);
    try {
      const channel = await connection.createChannel();
      const queue = names.queue('orders');
      expect(queue).toBe(names.queue('orders'));
      expect(queue).not.toBe(rabbitNames('isolation').queue('orders'));
      await channel.assertQueue(queue);
      await channel.assertExchange(names.exchange('events'), 'topic');
      await deleteRabbitNames(channel, names);
      // checkQueue on a deleted queue closes the channel with 404.
      const check = await connection.createChannel();
      check.on('error', () => {});
      await expect(check.checkQueue(queue)).rejects.toThrow(/404/);
    } finally {
      await connection.close();
    }
  });
});
