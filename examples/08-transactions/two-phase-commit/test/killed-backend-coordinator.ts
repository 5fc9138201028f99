// Runs one transfer with a coordinator whose bank_b branch stalls mid-work, printing its backend pid
// so the test can pg_terminate_backend it; then prints how the call ended and exits on its own.
// Usage: killed-backend-coordinator.ts <naive|parallel> <logUrl> <bankAUrl> <bankBUrl>
import pg from 'pg';
import { sqlState } from '../../retry/retry-transaction.js';
import { interbankTransfer } from '../interbank-transfer.js';
import { naiveTwoPhaseCommit } from '../naive-two-phase-commit.js';
import { parallelDistributedTransaction } from '../parallel-two-phase-commit.js';
import type { Branch } from '../two-phase-commit.js';

const [mode, logUrl, bankAUrl, bankBUrl] = process.argv.slice(2);
if (!logUrl || !bankAUrl || !bankBUrl) throw new Error('usage: killed-backend-coordinator.ts <mode> <log> <a> <b>');
const pools = [logUrl, bankAUrl, bankBUrl].map((url) => new pg.Pool({ connectionString: url, max: 2 }));
const [log, bankA, bankB] = pools as [pg.Pool, pg.Pool, pg.Pool];
const stalled = (branch: Branch): Branch => ({
  ...branch,
  work: async (client) => {
    await branch.work(client);
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    console.log(`working ${rows[0].pid}`);
    await client.query('SELECT pg_sleep(60)');
  },
});
const branches = interbankTransfer(
  { bank: 'bank_a', pool: bankA, accountId: 1 },
  { bank: 'bank_b', pool: bankB, accountId: 1 },
  2500,
).map((branch) => (branch.participant === 'bank_b' ? stalled(branch) : branch));
try {
  await (mode === 'naive' ? naiveTwoPhaseCommit(branches) : parallelDistributedTransaction(log, branches));
  console.log(JSON.stringify({ outcome: 'committed' }));
} catch (error) {
  const { name, message, cause } = error as Error;
  console.log(JSON.stringify({ outcome: 'rejected', name, message, sqlState: sqlState(error), cause: String(cause) }));
}
await Promise.all(pools.map((pool) => pool.end()));
