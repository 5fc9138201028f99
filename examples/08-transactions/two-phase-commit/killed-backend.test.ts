import { type Fixture, spawnFixture, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinatorLog } from './coordinator-log.js';
import { createBankTables } from './interbank-transfer.js';
import { rollBackLeftovers } from './test/leftovers.js';
import { inDoubtBranches } from './two-phase-recovery.js';

// A backend killed (pg_terminate_backend, a failover, an OOM kill) while its client is checked out:
// pg emits 'error' on that client, and with no listener the whole process dies with the transfer.
const databases = [useTestDatabase('bank_a'), useTestDatabase('bank_b')] as const;
const coordinatorDatabase = useTestDatabase('coordinator');
let bankA: pg.Pool;
let bankB: pg.Pool;
const participants = () => ({ bank_a: bankA, bank_b: bankB });

beforeAll(async () => {
  [bankA, bankB] = databases.map((db) => db.pool({ max: 2 })) as [pg.Pool, pg.Pool];
  const log = coordinatorDatabase.pool({ max: 1 });
  await Promise.all([createBankTables(bankA), createBankTables(bankB), createCoordinatorLog(log)]);
});

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});
afterAll(() => rollBackLeftovers(participants()));

beforeEach(async () => {
  await rollBackLeftovers(participants());
  for (const pool of [bankA, bankB]) {
    await pool.query('TRUNCATE accounts');
    await pool.query('INSERT INTO accounts (id, balance_cents) VALUES (1, 10000)');
  }
});

const balances = async () =>
  Promise.all(
    [bankA, bankB].map(async (pool) => (await pool.query('SELECT balance_cents FROM accounts')).rows[0]?.balance_cents),
  );

/** What the fixture prints as its last line: how the coordinator's call ended. */
interface Outcome {
  outcome: 'committed' | 'rejected';
  name?: string;
  message?: string;
  sqlState?: string;
  cause?: string;
}

/** Runs the coordinator in its own process, kills bank_b's backend mid-work, and reads how the call ended. */
async function killBackendMidWork(mode: 'naive' | 'parallel') {
  const [a, b] = databases;
  const fixture = spawnFixture(new URL('./test/killed-backend-coordinator.ts', import.meta.url), {
    args: [mode, coordinatorDatabase.url, a.url, b.url],
  });
  fixtures.push(fixture);
  const pid = Number((await fixture.waitForLine(/^working (\d+)$/))[1]);
  // Mid-work: the backend is running the branch's statement, not idle between two.
  await waitUntil(async () => {
    const { rows } = await bankB.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]);
    return rows.length === 1;
  }, 'the branch to be mid-statement');
  await bankB.query('SELECT pg_terminate_backend($1)', [pid]);
  const code = await fixture.exited;
  const outcome: Outcome | undefined = fixture.lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))[0];
  return { code, signal: fixture.child.signalCode, stderr: fixture.errors.join('\n'), outcome };
}

describe('two-phase-commit: a participant backend killed while its connection is checked out', () => {
  it('the Q&A coordinator survives it and rejects with the server error; the prepared debit is rolled back', async () => {
    const exit = await killBackendMidWork('naive');
    expect(exit.stderr).not.toMatch(/Unhandled 'error' event/);
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.outcome).toMatchObject({ outcome: 'rejected', sqlState: '57P01' });
    expect(exit.outcome?.message).toMatch(/terminating connection due to administrator command/);
    expect(await balances()).toEqual([10_000, 10_000]);
    expect([...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))]).toEqual([]);
  });

  it('the parallel coordinator survives it and aborts both branches, naming the participant', async () => {
    const exit = await killBackendMidWork('parallel');
    expect(exit.stderr).not.toMatch(/Unhandled 'error' event/);
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.outcome).toMatchObject({
      outcome: 'rejected',
      name: 'DistributedTransactionAborted',
      sqlState: '57P01',
    });
    expect(exit.outcome?.message).toMatch(/bank_b could not prepare/);
    expect(exit.outcome?.cause).toMatch(/terminating connection due to administrator command/);
    expect(await balances()).toEqual([10_000, 10_000]);
    expect([...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))]).toEqual([]);
  });
});
