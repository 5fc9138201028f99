import pg from 'pg';

const ends = new WeakMap<pg.Pool, Promise<void>[]>();

/**
 * A pg pool for connections the test cuts (through a TCP proxy), closed for real by `closeCutPool`.
 * The shared `testPool` waits for each socket with `events.once(client, 'end')`, which rejects, with
 * nobody listening yet, when a cut connection emits 'error'; this one waits on 'end' alone.
 */
export function cutPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const closing: Promise<void>[] = [];
  pool.on('connect', (client) => closing.push(new Promise((resolve) => client.once('end', () => resolve()))));
  pool.on('error', () => {}); // an idle connection cut by the test
  ends.set(pool, closing);
  return pool;
}

export async function closeCutPool(pool: pg.Pool): Promise<void> {
  if (!pool.ended) await pool.end();
  await Promise.all(ends.get(pool) ?? []);
}
