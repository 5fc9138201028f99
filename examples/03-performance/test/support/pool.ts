import { once } from 'node:events';
import pg from 'pg';

const closed = new WeakMap<pg.Pool, Promise<unknown>[]>();

/**
 * A pool whose `closePool()` waits until every connection has really closed. `pool.end()`
 * resolves before its clients finish disconnecting; dropping the test database (WITH FORCE)
 * at that moment kills them mid-goodbye and surfaces as an uncaught error.
 */
export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const ends: Promise<unknown>[] = [];
  pool.on('connect', (client) => ends.push(once(client, 'end')));
  closed.set(pool, ends);
  return pool;
}

export async function closePool(pool: pg.Pool): Promise<void> {
  await pool.end();
  await Promise.all(closed.get(pool) ?? []);
}
