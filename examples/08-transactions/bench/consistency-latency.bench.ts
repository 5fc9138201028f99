// What each consistency tool costs per business operation, measured side by side in one run:
// one local ACID transfer, a 4-step saga with its log, 2PC across two databases, and an outbox write.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createScratchDatabase, resolveServices } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { defineAccounts } from '../acid-transfer/account-model.js';
import { connectSequelize } from '../acid-transfer/sequelize.js';
import { transferFunds } from '../acid-transfer/transfer.js';
import { createOutboxTables, placeOrder } from '../outbox/outbox.js';
import { orderSaga } from '../saga/order-saga.js';
import { startSaga } from '../saga/saga.js';
import { createSagaTables } from '../saga/saga-log.js';
import { createShopTables, orderServices } from '../shop/services.js';
import { demoPool } from '../src/demo-pool.js';
import { createCoordinatorLog } from '../two-phase-commit/coordinator-log.js';
import { createBankTables, interbankTransfer } from '../two-phase-commit/interbank-transfer.js';
import { runDistributedTransaction } from '../two-phase-commit/two-phase-commit.js';

const OPERATIONS = 300;
const WARMUP = 30;

interface Latency {
  p50: number;
  p99: number;
  perSecond: number;
}

/**
 * Runs the operations round-robin, one of each per round, so load from other processes on this
 * shared machine falls on all of them alike instead of on whichever ran during a busy spell.
 */
async function measureInterleaved(operations: readonly (() => Promise<unknown>)[]): Promise<Latency[]> {
  const samples = operations.map(() => [] as number[]);
  for (let round = -WARMUP; round < OPERATIONS; round++) {
    for (const [i, run] of operations.entries()) {
      const t0 = performance.now();
      await run();
      if (round >= 0) samples[i]?.push(performance.now() - t0);
    }
  }
  return samples.map((times) => {
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
    const total = times.reduce((sum, t) => sum + t, 0);
    return { p50: at(0.5), p99: at(0.99), perSecond: (times.length / total) * 1000 };
  });
}

const services = await resolveServices(['postgres']);
// Run last first: every pool closes (each socket) before its database is dropped.
const cleanups: (() => Promise<void>)[] = [() => services.stop()];
const teardown = { defer: (cleanup: () => Promise<void>) => void cleanups.push(cleanup), log: console.error };
const database = async (label: string) => {
  const created = await createScratchDatabase(services.databaseUrl ?? '', label);
  cleanups.push(() => created.drop());
  return created.url;
};
const pool = async (label: string) => demoPool(teardown, await database(label), 2);
try {
  const sequelize = connectSequelize(await database('bench_acid'), 2);
  teardown.defer(() => sequelize.close());
  const accounts = await defineAccounts(sequelize);
  await accounts.bulkCreate([
    { id: 1, balanceCents: 100_000_000 },
    { id: 2, balanceCents: 100_000_000 },
  ]);

  const shop = await pool('bench_saga');
  await createShopTables(shop);
  await createSagaTables(shop);
  await shop.query(`INSERT INTO stock (sku, available) VALUES ('pen', 1000000)`);
  const saga = orderSaga(orderServices(shop));
  const order = { customerId: 1, totalCents: 500, lines: [{ sku: 'pen', quantity: 1 }] };

  const [bankA, bankB] = [await pool('bench_bank_a'), await pool('bench_bank_b')];
  for (const bank of [bankA, bankB]) {
    await createBankTables(bank);
    await bank.query('INSERT INTO accounts (id, balance_cents) VALUES (1, 100000000)');
  }
  const coordinator = await pool('bench_coordinator');
  await createCoordinatorLog(coordinator);
  const refA = { bank: 'bank_a', pool: bankA, accountId: 1 };
  const refB = { bank: 'bank_b', pool: bankB, accountId: 1 };

  const outbox = await pool('bench_outbox');
  await createOutboxTables(outbox);

  // The baseline: the same debit and credit as the 2PC branches, in one local transaction with plain pg.
  const localTransfer = async () => {
    const client = await bankA.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE accounts SET balance_cents = balance_cents - 1 WHERE id = 1');
      await client.query('UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = 1');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  const operations = [
    ['local ACID transfer (pg, one transaction)', localTransfer],
    ['local ACID transfer (Sequelize, rows locked in id order)', () => transferFunds(sequelize, accounts, 1, 2, 1)],
    ['outbox: order row + event row in one transaction', () => placeOrder(outbox, 1, 500)],
    ['saga: 4 steps, each logged', () => startSaga(shop, saga, randomUUID(), order)],
    [
      '2PC: two databases, decision logged',
      () => runDistributedTransaction(coordinator, interbankTransfer(refA, refB, 1)),
    ],
  ] as const;
  const latencies = await measureInterleaved(operations.map(([, run]) => run));
  const results = operations.map(([name], i) => [name, latencies[i] as Latency] as const);
  const baseline = latencies[0]?.p50 ?? 1;
  reportBench(
    'consistency-latency',
    markdownTable(
      ['operation, one at a time', 'p50 ms', 'p99 ms', 'ops/s', 'p50 vs local pg'],
      results.map(([name, r]) => [name, r.p50, r.p99, Math.round(r.perSecond), ratio(r.p50, baseline)]),
      2,
    ),
  );
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
