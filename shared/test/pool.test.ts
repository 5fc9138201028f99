import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../src/services.js';
import { closePool, testPool, trackPool } from '../src/testing/pool.js';

const url = SERVICES.postgres.defaultUrl;

describe('pools a test closes', () => {
  it('trackPool adds no error listener: a pool of the code under test keeps only its own', () => {
    const pool = trackPool(new pg.Pool({ connectionString: url }));
    expect(pool.listenerCount('error')).toBe(0);
    expect(testPool({ connectionString: url }).listenerCount('error')).toBe(1);
  });

  it('closePool waits until every connection of a tracked pool has closed', async () => {
    const pool = trackPool(new pg.Pool({ connectionString: url, max: 2 }));
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    let ended = 0;
    for (const client of clients) {
      client.once('end', () => ended++);
      client.release();
    }
    await closePool(pool);
    expect(ended).toBe(2);
  });
});
