import { closePool, startOwnPostgres, testPool, useTestDatabase } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import {
  assertPreparedTransactionsEnabled,
  interbankTransfer,
  preparedTransactionsDisabledMessage,
} from './interbank-transfer.js';

const bank = useTestDatabase('bank');

describe('interbank transfer', () => {
  it('refuses an amount that is not a positive whole number of cents before any branch exists', () => {
    const to = { bank: 'bank_b', pool: bank.pool(), accountId: 1 };
    const from = { ...to, bank: 'bank_a' };
    for (const cents of [0, -100, 12.5]) expect(() => interbankTransfer(from, to, cents)).toThrow(/positive integer/);
    expect(interbankTransfer(from, to, 100).map((branch) => branch.participant)).toEqual(['bank_a', 'bank_b']);
  });

  it('checks that this Postgres can PREPARE, and says how many it can hold', async () => {
    // The shared server runs with 64, as the compose file sets it.
    expect(await assertPreparedTransactionsEnabled(bank.pool())).toBe(64);
  });

  it('a Postgres that cannot PREPARE is told what to set, and where', () => {
    const message = preparedTransactionsDisabledMessage(0);
    expect(message.split('\n')).toEqual([
      'Postgres has max_prepared_transactions = 0, so PREPARE TRANSACTION is disabled.',
      expect.stringContaining('64 is plenty here'),
      expect.stringContaining("ALTER SYSTEM SET max_prepared_transactions = 64' && sudo systemctl restart postgresql"),
      expect.stringContaining('postgres -c max_prepared_transactions=64'),
    ]);
  });

  it('refuses to start when max_prepared_transactions is 0, as Postgres ships, saying what to set', async () => {
    // Its own server: the shared one must keep its 64.
    const server = await startOwnPostgres({ max_prepared_transactions: 0 });
    const pool = testPool({ connectionString: server.url, max: 1 });
    try {
      await expect(assertPreparedTransactionsEnabled(pool)).rejects.toThrow(preparedTransactionsDisabledMessage(0));
      await expect(pool.query("BEGIN; PREPARE TRANSACTION 'refused'")).rejects.toMatchObject({ code: '55000' });
    } finally {
      await closePool(pool);
      await server.stop();
    }
  }, 60_000);
});
