import type { DemoContext } from '@cookbook/shared';
import pg from 'pg';

/**
 * A pg pool for a demo or bench whose database is dropped WITH (FORCE) when it ends. `pool.end()`
 * resolves before its sockets have closed; the deferred close also waits for every one, so the
 * drop never kills a session mid-goodbye (57P01). A lost connection is printed, never unhandled.
 */
export function demoPool(context: Pick<DemoContext, 'defer' | 'log'>, url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  const closed: Promise<void>[] = [];
  pool.on('connect', (client) => closed.push(new Promise((resolve) => client.once('end', resolve))));
  pool.on('error', (error) => context.log(`postgres: ${error.message}`));
  context.defer(async () => {
    await pool.end();
    await Promise.all(closed);
  });
  return pool;
}
