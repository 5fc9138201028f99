import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlState } from '../retry/retry-transaction.js';
import { DistributedTransactionAborted } from './coordinator-log.js';
import { interbankTransfer } from './interbank-transfer.js';
import { useTwoBanks } from './test/two-banks.js';
import { runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches, recoverInDoubt } from './two-phase-recovery.js';

// Every statement is bounded, so a lock nobody releases fails the test instead of hanging it.
const banks = useTwoBanks({ max: 4, statementTimeoutMs: 10_000 });
const { participants, balances } = banks;

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});

const transfer = (amountCents: number, toAccount = 1) =>
  interbankTransfer(
    { bank: 'bank_a', pool: banks.bankA, accountId: 1 },
    { bank: 'bank_b', pool: banks.bankB, accountId: toAccount },
    amountCents,
  );
const allInDoubt = async () => [
  ...(await inDoubtBranches('bank_a', banks.bankA)),
  ...(await inDoubtBranches('bank_b', banks.bankB)),
];

/** A prepared branch keeps its row locks: NOWAIT fails with 55P03 while it is in doubt. */
async function rowLockedIn(pool: pg.Pool): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE NOWAIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return true;
    throw error;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** A coordinator in its own process that SIGKILLs itself at `crashPoint`; resolves with the signal that ended it. */
async function crashingTransfer(mode: 'coordinator' | 'naive', crashPoint: string) {
  const { log, bankA, bankB } = banks.urls;
  const fixture = spawnFixture(new URL('./test/crashing-coordinator.ts', import.meta.url), {
    args: [mode, crashPoint, log, bankA, bankB, '2500'],
  });
  fixtures.push(fixture);
  await fixture.exited;
  return { signal: fixture.child.signalCode, stderr: fixture.errors.join('\n') };
}

describe('two-phase-commit', () => {
  it('commits the debit in one database and the credit in the other', async () => {
    await runDistributedTransaction(banks.log, transfer(2_500));
    expect(await balances()).toEqual([7_500, 12_500]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a participant that cannot prepare aborts everyone (overdraft refused by a CHECK)', async () => {
    await expect(runDistributedTransaction(banks.log, transfer(10_001))).rejects.toBeInstanceOf(
      DistributedTransactionAborted,
    );
    expect(await balances()).toEqual([10_000, 10_000]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a missing account on the receiving side aborts the debit already prepared on the sending side', async () => {
    const failure = runDistributedTransaction(banks.log, transfer(2_500, 99));
    await expect(failure).rejects.toThrow(/bank_b could not prepare/);
    expect(await balances()).toEqual([10_000, 10_000]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a coordinator killed after deciding commit leaves locked branches; recovery commits them', async () => {
    const exit = await crashingTransfer('coordinator', 'decided');
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(await allInDoubt()).toHaveLength(2);
    expect(await rowLockedIn(banks.bankB)).toBe(true);
    expect(await balances()).toEqual([10_000, 10_000]);

    const resolved = await recoverInDoubt(banks.log, participants());
    expect(resolved.map((r) => [r.participant, r.decision])).toEqual([
      ['bank_a', 'commit'],
      ['bank_b', 'commit'],
    ]);
    expect(await balances()).toEqual([7_500, 12_500]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a transfer meeting the locks of a dead coordinator times out and retries a bounded number of times', async () => {
    await crashingTransfer('coordinator', 'decided');
    const retries: string[] = [];
    const blocked = runDistributedTransaction(banks.log, transfer(100), {
      lockTimeoutMs: 100,
      retry: { attempts: 3, onRetry: (_attempt, error) => void retries.push(sqlState(error) ?? '?') },
    });
    await expect(blocked).rejects.toBeInstanceOf(DistributedTransactionAborted);
    expect(retries).toEqual(['55P03', '55P03']);
    // Once recovery has finished the dead coordinator's transfer, the same transfer goes through.
    await recoverInDoubt(banks.log, participants());
    await runDistributedTransaction(banks.log, transfer(100));
    expect(await balances()).toEqual([7_400, 12_600]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a coordinator killed after preparing bank_a, before bank_b, is recovered to abort', async () => {
    const exit = await crashingTransfer('coordinator', 'prepared-bank_a');
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect((await allInDoubt()).map((b) => b.participant)).toEqual(['bank_a']);
    expect(await rowLockedIn(banks.bankA)).toBe(true);
    const resolved = await recoverInDoubt(banks.log, participants());
    expect(resolved.map((r) => [r.participant, r.decision])).toEqual([['bank_a', 'abort']]);
    expect(await balances()).toEqual([10_000, 10_000]);
    expect(await allInDoubt()).toEqual([]);
  });

  it('a coordinator killed before deciding is recovered to abort (presumed abort)', async () => {
    const exit = await crashingTransfer('coordinator', 'prepared');
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(await allInDoubt()).toHaveLength(2);
    const resolved = await recoverInDoubt(banks.log, participants());
    expect(resolved.map((r) => r.decision)).toEqual(['abort', 'abort']);
    expect(await balances()).toEqual([10_000, 10_000]);
    expect(await allInDoubt()).toEqual([]);
  });

  // #region naive-coordinator-crash
  it('the Q&A coordinator, killed mid phase 2, leaves money debited, a locked branch, and nothing to recover from', async () => {
    const exit = await crashingTransfer('naive', 'committed-bank_a');
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(await balances()).toEqual([7_500, 10_000]);
    expect(await rowLockedIn(banks.bankB)).toBe(true);
    // No log: recovery cannot tell commit from abort, so it must not touch the branch.
    expect(await recoverInDoubt(banks.log, participants())).toEqual([]);
    const stuck = await inDoubtBranches('bank_b', banks.bankB);
    expect(stuck).toHaveLength(1);
    // What a human ends up doing: guessing. Rolling back here destroys the 25.00 already debited.
    await banks.bankB.query(`ROLLBACK PREPARED '${stuck[0]?.gid}'`);
    expect(await balances()).toEqual([7_500, 10_000]);
  });
  // #endregion naive-coordinator-crash

  it('leaves no prepared transaction behind in either database', async () => {
    const { rows } = await banks.bankA.query(
      'SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE database = ANY($1)',
      [[banks.urls.bankA, banks.urls.bankB].map((url) => new URL(url).pathname.slice(1))],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
