import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AccountNotFoundError } from '../accounts/accounts.js';
import { DistributedTransactionAborted } from './coordinator-log.js';
import { interbankTransfer } from './interbank-transfer.js';
import { naiveTwoPhaseCommit } from './naive-two-phase-commit.js';
import { parallelDistributedTransaction } from './parallel-two-phase-commit.js';
import { useTwoBanks } from './test/two-banks.js';
import { type Branch, inGlobalOrder, runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches } from './two-phase-recovery.js';

// Each coordinator in-process, on its happy and its refused path (crashes: two-phase-commit.test.ts).
// Two connections a bank: a coordinator that kept one after a refusal would soon wait forever.
const banks = useTwoBanks({ max: 2, statementTimeoutMs: 10_000 });
const { balances } = banks;

const inDoubt = async () => [
  ...(await inDoubtBranches('bank_a', banks.bankA)),
  ...(await inDoubtBranches('bank_b', banks.bankB)),
];
const transfer = (cents: number, toAccount = 1) =>
  interbankTransfer(
    { bank: 'bank_a', pool: banks.bankA, accountId: 1 },
    { bank: 'bank_b', pool: banks.bankB, accountId: toAccount },
    cents,
  );
const logRow = async (txId: string) =>
  (await banks.log.query('SELECT participants, decision, completed FROM tpc_log WHERE id = $1', [txId])).rows[0];

describe('the Q&A coordinator, in-process', () => {
  it('commits both branches, in order, telling the caller each', async () => {
    const committed: string[] = [];
    await naiveTwoPhaseCommit(transfer(2_500), (participant) => committed.push(participant));
    expect(committed).toEqual(['bank_a', 'bank_b']);
    expect(await balances()).toEqual([7_500, 12_500]);
    await naiveTwoPhaseCommit(transfer(500));
    expect(await balances()).toEqual([7_000, 13_000]);
  });

  it('a refused branch rolls back the ones prepared before it and throws its own error, pool intact', async () => {
    for (let i = 0; i < 3; i++)
      await expect(naiveTwoPhaseCommit(transfer(2_500, 99))).rejects.toBeInstanceOf(AccountNotFoundError);
    // An overdraft fails in SQL (the CHECK): a connection pooled again without its ROLLBACK would fail the next one.
    for (let i = 0; i < 3; i++)
      await expect(naiveTwoPhaseCommit(transfer(10_001))).rejects.toMatchObject({ code: '23514' });
    expect(await inDoubt()).toEqual([]);
    await naiveTwoPhaseCommit(transfer(100));
    expect(await balances()).toEqual([9_900, 10_100]);
  });
});

describe('the parallel coordinator, in-process', () => {
  it('commits, logs commit, marks the transaction completed', async () => {
    const txId = await parallelDistributedTransaction(banks.log, transfer(2_500));
    expect(await balances()).toEqual([7_500, 12_500]);
    expect(await logRow(txId)).toEqual({ participants: ['bank_a', 'bank_b'], decision: 'commit', completed: true });
  });

  it('a refused branch aborts both, names the participant and its error, and leaves the pool usable', async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await parallelDistributedTransaction(banks.log, transfer(2_500, 99)).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DistributedTransactionAborted);
      expect(refused).toMatchObject({ participant: 'bank_b', cause: expect.any(AccountNotFoundError) });
      expect(await logRow((refused as DistributedTransactionAborted).txId)).toMatchObject({
        decision: 'abort',
        completed: true,
      });
    }
    expect(await inDoubt()).toEqual([]);
    expect(await balances()).toEqual([10_000, 10_000]);
    await parallelDistributedTransaction(banks.log, transfer(100));
    expect(await balances()).toEqual([9_900, 10_100]);
  });
});

describe('the ordered coordinator', () => {
  const named = (...names: string[]): Branch[] =>
    names.map((participant) => ({ participant, pool: banks.bankA, work: async () => {} }));

  it('prepares in the order of participant names, whatever order the caller gave', () => {
    const order = (...names: string[]) => inGlobalOrder(named(...names)).map((b) => b.participant);
    expect(order('bank_b', 'bank_a')).toEqual(['bank_a', 'bank_b']);
    expect(order('bank_a', 'bank_b')).toEqual(['bank_a', 'bank_b']);
    expect(order('c', 'a', 'd', 'b')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses two branches for one participant', () => {
    expect(() => inGlobalOrder(named('bank_a', 'bank_b', 'bank_a'))).toThrow(/one branch per participant/);
  });

  it('a refused branch stops phase 1: the branches after it never run, and its connection goes back', async () => {
    const started: string[] = [];
    const watched = transfer(10_001).map((branch) => ({
      ...branch,
      work: async (client: pg.PoolClient) => {
        started.push(branch.participant);
        await branch.work(client);
      },
    }));
    for (let i = 0; i < 3; i++) {
      await expect(runDistributedTransaction(banks.log, watched)).rejects.toMatchObject({ participant: 'bank_a' });
    }
    expect(started).toEqual(['bank_a', 'bank_a', 'bank_a']);
    const txId = await runDistributedTransaction(banks.log, transfer(100));
    expect(await logRow(txId)).toEqual({ participants: ['bank_a', 'bank_b'], decision: 'commit', completed: true });
  });
});
