import { recipe } from '@cookbook/shared';
import type pg from 'pg';
import { demoPool } from '../src/demo-pool.js';
import { createCoordinatorLog } from './coordinator-log.js';
import { assertPreparedTransactionsEnabled, createBankTables, interbankTransfer } from './interbank-transfer.js';
import { runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches, recoverInDoubt } from './two-phase-recovery.js';

class SimulatedCrash extends Error {}

export const twoPhaseCommitDemo = recipe({
  services: ['postgres'],
  title: 'PREPARE TRANSACTION across two databases, a decision log, and recovery',
  lookFor: 'a refused branch aborts both databases; in-doubt branches are resolved from the decision log',
  async run(context) {
    const { scratchDatabase, log } = context;
    const bankA = demoPool(context, await scratchDatabase('bank_a'), 3);
    const bankB = demoPool(context, await scratchDatabase('bank_b'), 3);
    const coordinatorLog = demoPool(context, await scratchDatabase('coordinator'), 2);
    // A prepared branch blocks DROP DATABASE: if the demo stops half-way, roll back what it left.
    context.defer(async () => {
      for (const [bank, pool] of [
        ['bank_a', bankA],
        ['bank_b', bankB],
      ] as const) {
        for (const branch of await inDoubtBranches(bank, pool)) await pool.query(`ROLLBACK PREPARED '${branch.gid}'`);
      }
    });
    log(`max_prepared_transactions = ${await assertPreparedTransactionsEnabled(bankA)}`);
    for (const bank of [bankA, bankB]) {
      await createBankTables(bank);
      await bank.query('INSERT INTO accounts (id, balance_cents) VALUES (1, 10000)');
    }
    await createCoordinatorLog(coordinatorLog);
    const transfer = (cents: number) =>
      interbankTransfer(
        { bank: 'bank_a', pool: bankA, accountId: 1 },
        { bank: 'bank_b', pool: bankB, accountId: 1 },
        cents,
      );
    const balances = async () => {
      const read = async (pool: pg.Pool) =>
        (await pool.query('SELECT balance_cents FROM accounts')).rows[0]?.balance_cents;
      return `bank_a ${await read(bankA)}, bank_b ${await read(bankB)}`;
    };

    await runDistributedTransaction(coordinatorLog, transfer(2_500));
    log(`moved 2500 cents across two databases: ${await balances()}`);

    await runDistributedTransaction(coordinatorLog, transfer(50_000)).catch((error: Error) =>
      log(`50000 cents: ${error.message}`),
    );
    log(`  nothing moved: ${await balances()}`);

    // The coordinator "dies" after logging commit and before phase 2: both branches stay prepared.
    await runDistributedTransaction(coordinatorLog, transfer(1_000), {
      afterDecision: () => {
        throw new SimulatedCrash();
      },
    }).catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
    });
    const stuck = [...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))];
    log(
      `coordinator gone after its decision: ${stuck.length} prepared branches in pg_prepared_xacts, ${await balances()}`,
    );
    const resolved = await recoverInDoubt(coordinatorLog, { bank_a: bankA, bank_b: bankB });
    log(`recovery: ${resolved.map((r) => `${r.participant} → ${r.decision}`).join(', ')}; ${await balances()}`);
  },
});
