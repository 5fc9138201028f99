import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/embedded-postgres.js';

describe('embedded Postgres (the last resort for demos that allow it)', () => {
  it('serves a pg pool of several connections over the wire protocol, and stops', async () => {
    const server = await startEmbeddedPostgres();
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    try {
      const results = await Promise.all([1, 2, 3, 4].map((i) => pool.query<{ i: number }>('SELECT $1::int AS i', [i])));
      expect(results.map((r) => r.rows[0]?.i)).toEqual([1, 2, 3, 4]);
      const { rows } = await pool.query<{ version: string }>('SELECT version()');
      expect(rows[0]?.version).toContain('PGlite');
    } finally {
      await pool.end();
      await server.stop();
    }
  });
});
