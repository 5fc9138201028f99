import { startTcpProxy, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { withTransaction } from '../db/transaction.js';
import { closeCutPool, cutPool } from './cut-pool.js';

const database = useTestDatabase('microservices_transaction');

describe('withTransaction', () => {
  it('a connection lost mid-transaction rejects the call, crashes nothing, and the pool recovers', async () => {
    const proxy = await startTcpProxy(database.url);
    const pool = cutPool({ connectionString: proxy.url(), max: 2 });
    try {
      let inside = false;
      const lost = withTransaction(pool, async (client) => {
        inside = true;
        await client.query('SELECT pg_sleep(5)');
      });
      await waitUntil(() => inside, 'the transaction to start');
      proxy.cutAll(); // before the fix: an 'error' event nobody listens to, and the process dies
      await expect(lost).rejects.toThrow();
      const answer = await withTransaction(pool, async (client) => (await client.query('SELECT 42 AS n')).rows[0]);
      expect(answer).toEqual({ n: 42 });
    } finally {
      await closeCutPool(pool);
      await proxy.close();
    }
  });
});
