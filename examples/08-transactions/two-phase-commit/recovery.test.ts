import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinatorLog, decide } from './coordinator-log.js';
import { createBankTables, interbankTransfer } from './interbank-transfer.js';
import { parallelDistributedTransaction } from './parallel-two-phase-commit.js';
import { type Branch, type CoordinatorHooks, runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches, recoverInDoubt } from './two-phase-recovery.js';

// A hook that throws stops the coordinator where a crash would: what it prepared stays prepared,
// since a prepared transaction outlives the session. (Killing a real process: two-phase-commit.test.ts.)
const databases = [useTestDatabase('bank_a'), useTestDatabase('bank_b')] as const;
const coordinatorDatabase = useTestDatabase('coordinator');
let bankA: pg.Pool;
let bankB: pg.Pool;
let log: pg.Pool;
const participants = () => ({ bank_a: bankA, bank_b: bankB });

class Crash extends Error {}
const crash = () => {
  throw new Crash('coordinator gone');
};

beforeAll(async () => {
  [bankA, bankB] = databases.map((db) => db.pool({ max: 4, options: '-c statement_timeout=10000' })) as [
    pg.Pool,
    pg.Pool,
  ];
  log = coordinatorDatabase.pool({ max: 2 });
  await Promise.all([createBankTables(bankA), createBankTables(bankB), createCoordinatorLog(log)]);
});
/** Every branch prepared in the two databases, whoever prepared it (this file's foreign ones included). */
async function rollBackEverything(): Promise<void> {
  for (const pool of [bankA, bankB]) {
    const { rows } = await pool.query('SELECT gid FROM pg_prepared_xacts WHERE database = current_database()');
    for (const { gid } of rows) await pool.query(`ROLLBACK PREPARED '${gid}'`);
  }
}
afterAll(rollBackEverything);
beforeEach(async () => {
  await rollBackEverything();
  for (const pool of [bankA, bankB]) {
    await pool.query('TRUNCATE accounts');
    await pool.query('INSERT INTO accounts (id, balance_cents) VALUES (1, 10000), (2, 10000), (3, 10000)');
  }
});

const balances = async (pool: pg.Pool) =>
  (await pool.query('SELECT balance_cents FROM accounts ORDER BY id')).rows.map((r) => r.balance_cents);
/** A transfer from account `id` of bank_a to account `id` of bank_b, stopped at `hooks`. */
const transfer = (id: number) =>
  interbankTransfer(
    { bank: 'bank_a', pool: bankA, accountId: id },
    { bank: 'bank_b', pool: bankB, accountId: id },
    1_000,
  );
const crashedTransfer = (id: number, hooks: CoordinatorHooks) =>
  expect(runDistributedTransaction(log, transfer(id), hooks)).rejects.toBeInstanceOf(Crash);
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
    const resolved = await recoverInDoubt(log, participants());
    expect(resolved.map((r) => [r.participant, r.decision])).toEqual([
      ['bank_a', 'commit'],
      ['bank_a', 'abort'],
      ['bank_a', 'abort'],
      ['bank_b', 'commit'],
      ['bank_b', 'abort'],
    ]);
    expect(resolved.every((r) => r.gid === `cb2pc:${r.txId}:${r.participant}`)).toBe(true);
    expect(await balances(bankA)).toEqual([9_000, 10_000, 10_000]);
    expect(await balances(bankB)).toEqual([11_000, 10_000, 10_000]);
    expect([...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))]).toEqual([]);
    const { rows } = await log.query('SELECT decision, completed FROM tpc_log WHERE id = ANY($1::uuid[])', [
      [...new Set(resolved.map((r) => r.txId))],
    ]);
    expect(rows.map((r) => `${r.decision} ${r.completed}`).sort()).toEqual(['abort true', 'abort true', 'commit true']);
    // Run again, as a second coordinator starting would: nothing is left to do.
    expect(await recoverInDoubt(log, participants())).toEqual([]);
  });

  it('leaves alone what is not its own: another database, another prefix, a transaction it never logged', async () => {
    const foreign = async (pool: pg.Pool, gid: string) => {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query(`PREPARE TRANSACTION '${gid}'`);
      client.release();
    };
    const unlogged = `cb2pc:${randomUUID()}:bank_a`;
    await foreign(bankA, unlogged);
    await foreign(bankA, `other:${randomUUID()}:bank_a`);
    // The view is cluster-wide: bank_b's database holds a branch named for bank_a (another file's bank_a, say).
    await foreign(bankB, `cb2pc:${randomUUID()}:bank_a`);
    expect((await inDoubtBranches('bank_a', bankA)).map((b) => b.gid)).toEqual([unlogged]);
    expect(await recoverInDoubt(log, participants())).toEqual([]);
    expect((await inDoubtBranches('bank_a', bankA)).map((b) => b.gid)).toEqual([unlogged]);
  });

  it('a recovery that decides abort while the coordinator is still preparing wins: the coordinator obeys it', async () => {
    let txId = '';
    const failure = runDistributedTransaction(
      log,
      raced(() => decide(log, txId, 'abort')),
      {
        afterBranchPrepared: (id) => {
          txId = id;
        },
      },
    );
    await expect(failure).rejects.toMatchObject(abortedByRecovery);
    const undecided = async () => {
      const { rows } = await log.query(
        'SELECT id FROM tpc_log WHERE decision IS NULL ORDER BY created_at DESC LIMIT 1',
      );
      return decide(log, rows[0]?.id, 'abort');
    };
    await expect(parallelDistributedTransaction(log, raced(undecided))).rejects.toMatchObject(abortedByRecovery);
    expect(await balances(bankA)).toEqual([10_000, 10_000, 10_000]);
    expect(await balances(bankB)).toEqual([10_000, 10_000, 10_000]);
    expect([...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))]).toEqual([]);
  });
});
