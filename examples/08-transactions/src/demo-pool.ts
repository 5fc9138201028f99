import type { DemoContext } from '@cookbook/shared';
import { closePool, testPool } from '@cookbook/shared/testing';
import type pg from 'pg';

/**
 * The shared `testPool` for a demo or bench whose database is dropped WITH (FORCE) when it ends:
 * the deferred `closePool` waits for every socket, so the drop never kills a session mid-goodbye
 * (57P01). `testPool` ignores a lost connection, as a test expects; a demo prints it.
 */
export function demoPool(context: Pick<DemoContext, 'defer' | 'log'>, url: string, max = 4): pg.Pool {
  const pool = testPool({ connectionString: url, max });
  pool.on('error', (error) => context.log(`postgres: ${error.message}`));
  context.defer(() => closePool(pool));
  return pool;
}
