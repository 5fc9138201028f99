import pg from 'pg';

/** Pool settings whose sessions see only `schema`, for any pool factory (a test's, or `schemaPool`). */
export function schemaPoolConfig(schema: string, max = 5): pg.PoolConfig {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema must be a plain identifier, got "${schema}"`);
  return { max, options: `-c search_path=${schema}` };
}

/**
 * A small pool whose sessions see only `schema`: each service owns its tables, and a query that
 * reaches into another service's schema has to say so by name.
 */
export function schemaPool(connectionString: string, schema: string, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString, ...schemaPoolConfig(schema, max) });
  // An idle client losing its connection emits on the pool; unhandled, that would crash the process.
  pool.on('error', () => {});
  return pool;
}
