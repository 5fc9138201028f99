import { type Fixture, spawnFixture, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { useTwoBanks } from './test/two-banks.js';
import { inDoubtBranches } from './two-phase-recovery.js';

// A backend killed (pg_terminate_backend, a failover, an OOM kill) while its client is checked out:
// pg emits 'error' on that client, and with no listener the whole process dies with the transfer.
const banks = useTwoBanks({ max: 2 });
const { balances } = banks;

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});

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
  const { log, bankA, bankB } = banks.urls;
  const fixture = spawnFixture(new URL('./test/killed-backend-coordinator.ts', import.meta.url), {
    args: [mode, log, bankA, bankB],
  });
  fixtures.push(fixture);
  const pid = Number((await fixture.waitForLine(/^working (\d+)$/))[1]);
  // Mid-work: the backend is running the branch's statement, not idle between two.
  await waitUntil(async () => {
    const { rows } = await banks.bankB.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [
      pid,
    ]);
    return rows.length === 1;
  }, 'the branch to be mid-statement');
  await banks.bankB.query('SELECT pg_terminate_backend($1)', [pid]);
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
    expect([
      ...(await inDoubtBranches('bank_a', banks.bankA)),
      ...(await inDoubtBranches('bank_b', banks.bankB)),
    ]).toEqual([]);
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
    expect([
      ...(await inDoubtBranches('bank_a', banks.bankA)),
      ...(await inDoubtBranches('bank_b', banks.bankB)),
    ]).toEqual([]);
  });
});
