import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { decide } from './coordinator-log.js';
import { interbankTransfer } from './interbank-transfer.js';
import { parallelDistributedTransaction } from './parallel-two-phase-commit.js';
import { useTwoBanks } from './test/two-banks.js';
import { type Branch, type CoordinatorHooks, runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches, recoverInDoubt } from './two-phase-recovery.js';

// A hook that throws stops the coordinator where a crash would: what it prepared stays prepared,
// since a prepared transaction outlives the session. (Killing a real process: two-phase-commit.test.ts.)
const banks = useTwoBanks({ max: 4, accounts: 3, statementTimeoutMs: 10_000 });
const { participants } = banks;

class Crash extends Error {}
const crash = () => {
  throw new Crash('coordinator gone');
};

const balances = async (pool: pg.Pool) =>
  (await pool.query('SELECT balance_cents FROM accounts ORDER BY id')).rows.map((r) => r.balance_cents);
/** A transfer from account `id` of bank_a to account `id` of bank_b, stopped at `hooks`. */
const transfer = (id: number) =>
  interbankTransfer(
    { bank: 'bank_a', pool: banks.bankA, accountId: id },
    { bank: 'bank_b', pool: banks.bankB, accountId: id },
    1_000,
  );
const crashedTransfer = (id: number, hooks: CoordinatorHooks) =>
  expect(runDistributedTransaction(banks.log, transfer(id), hooks)).rejects.toBeInstanceOf(Crash);
/** The transfer, with `beforeBankB` run ahead of bank_b's work: there, recovery gets in first. */
const raced = (beforeBankB: () => Promise<unknown>): Branch[] =>
  transfer(1).map((branch) =>
    branch.participant !== 'bank_b'
      ? branch
      : {
          ...branch,
          work: async (client) => {
            await beforeBankB();
            await branch.work(client);
          },
        },
  );
const abortedByRecovery = {
  name: 'DistributedTransactionAborted',
  participant: undefined,
  message: expect.stringMatching(/aborted: recovery could not prepare$/),
};

describe('two-phase-recovery', () => {
  it('resolves every transaction a crash left prepared, each by its own logged decision, and marks all completed', async () => {
    await crashedTransfer(1, { afterDecision: crash });
    await crashedTransfer(2, { afterPrepare: crash });
    await crashedTransfer(3, { afterBranchPrepared: (_tx, participant) => participant === 'bank_a' && crash() });
    const resolved = await recoverInDoubt(banks.log, participants());
    expect(resolved.map((r) => [r.participant, r.decision])).toEqual([
      ['bank_a', 'commit'],
      ['bank_a', 'abort'],
      ['bank_a', 'abort'],
      ['bank_b', 'commit'],
      ['bank_b', 'abort'],
    ]);
    expect(resolved.every((r) => r.gid === `cb2pc:${r.txId}:${r.participant}`)).toBe(true);
    expect(await balances(banks.bankA)).toEqual([9_000, 10_000, 10_000]);
    expect(await balances(banks.bankB)).toEqual([11_000, 10_000, 10_000]);
    expect([
      ...(await inDoubtBranches('bank_a', banks.bankA)),
      ...(await inDoubtBranches('bank_b', banks.bankB)),
    ]).toEqual([]);
    const { rows } = await banks.log.query('SELECT decision, completed FROM tpc_log WHERE id = ANY($1::uuid[])', [
      [...new Set(resolved.map((r) => r.txId))],
    ]);
    expect(rows.map((r) => `${r.decision} ${r.completed}`).sort()).toEqual(['abort true', 'abort true', 'commit true']);
    // Run again, as a second coordinator starting would: nothing is left to do.
    expect(await recoverInDoubt(banks.log, participants())).toEqual([]);
  });

  it('leaves alone what is not its own: another database, another prefix, a transaction it never logged', async () => {
    const foreign = async (pool: pg.Pool, gid: string) => {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`PREPARE TRANSACTION '${gid}'`);
      client.release();
    };
    const unlogged = `cb2pc:${randomUUID()}:bank_a`;
    await foreign(banks.bankA, unlogged);
    await foreign(banks.bankA, `other:${randomUUID()}:bank_a`);
    // The view is cluster-wide: bank_b's database holds a branch named for bank_a (another file's bank_a, say).
    await foreign(banks.bankB, `cb2pc:${randomUUID()}:bank_a`);
    expect((await inDoubtBranches('bank_a', banks.bankA)).map((b) => b.gid)).toEqual([unlogged]);
    expect(await recoverInDoubt(banks.log, participants())).toEqual([]);
    expect((await inDoubtBranches('bank_a', banks.bankA)).map((b) => b.gid)).toEqual([unlogged]);
  });

  it('a recovery that decides abort while the coordinator is still preparing wins: the coordinator obeys it', async () => {
    let txId = '';
    const failure = runDistributedTransaction(
      banks.log,
      raced(() => decide(banks.log, txId, 'abort')),
      {
        afterBranchPrepared: (id) => {
          txId = id;
        },
      },
    );
    await expect(failure).rejects.toMatchObject(abortedByRecovery);
    const undecided = async () => {
      const { rows } = await banks.log.query(
        'SELECT id FROM tpc_log WHERE decision IS NULL ORDER BY created_at DESC LIMIT 1',
      );
      return decide(banks.log, rows[0]?.id, 'abort');
    };
    await expect(parallelDistributedTransaction(banks.log, raced(undecided))).rejects.toMatchObject(abortedByRecovery);
    expect(await balances(banks.bankA)).toEqual([10_000, 10_000, 10_000]);
    expect(await balances(banks.bankB)).toEqual([10_000, 10_000, 10_000]);
    expect([
      ...(await inDoubtBranches('bank_a', banks.bankA)),
      ...(await inDoubtBranches('bank_b', banks.bankB)),
    ]).toEqual([]);
  });
});
