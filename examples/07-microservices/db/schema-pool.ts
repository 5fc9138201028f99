import pg from 'pg';

/**
 * A small pool whose sessions see only `schema`: each service owns its tables, and a query that
 * reaches into another service's schema has to say so by name.
 */
export function schemaPool(connectionString: string, schema: string, max = 5): pg.Pool {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema must be a plain identifier, got "${schema}"`);
  const pool = new pg.Pool({ connectionString, max, options: `-c search_path=${schema}` });
  // An idle client losing its connection emits on the pool; unhandled, that would crash the process.
  pool.on('error', () => {});
  return pool;
}
