import pg from 'pg';

const connections = new WeakMap<pg.Pool, Promise<unknown>[]>();

/**
 * A `pg.Pool` whose `closePool()` waits until every connection has really closed. `pool.end()`
 * resolves before its clients finish disconnecting; a test database dropped `WITH (FORCE)` at that
 * moment kills them mid-goodbye, and the 57P01 surfaces as an unhandled error in a later test.
 */
export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = trackPool(new pg.Pool(config));
  // A connection ended by the server (a drop, a restart) is expected in tests; never unhandled.
  pool.on('error', () => {});
  return pool;
}

/**
 * Lets `closePool()` wait for every connection `pool` opens from now on, and adds nothing else: a
 * pool the code under test made keeps exactly its own listeners, its 'error' handling included.
 */
export function trackPool(pool: pg.Pool): pg.Pool {
  const ends: Promise<unknown>[] = [];
  // Not events.once: it rejects when the client emits 'error' first (a cut connection), unhandled.
  pool.on('connect', (client) => ends.push(new Promise((resolve) => client.once('end', resolve))));
  connections.set(pool, ends);
  return pool;
}

/** Ends the pool and waits for every one of its sockets to close. Safe to call twice. */
export async function closePool(pool: pg.Pool): Promise<void> {
  if (!pool.ended) await pool.end();
  await Promise.all(connections.get(pool) ?? []);
}
