/**
 * What bcrypt's cost buys, and whether login time reveals which emails have accounts.
 * Plain tsx script: `pnpm bench security` runs it and writes the tables into the README.
 */
import { performance } from 'node:perf_hooks';
import { createScratchDatabase, resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { createUsersTable } from '../users/schema.js';
import { insertUser } from '../users/users.js';
import { createCredentialCheck, hashPassword, naiveCredentialCheck, type VerifyCredentials } from './passwords.js';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Costs measured round-robin, so a burst of load from other processes hits every cost alike, and
 * reported as the fastest run: the one least disturbed by that load.
 */
async function costTable(): Promise<string> {
  const costs = [10, 11, 12, 13];
  const fastest = new Map<number, number>();
  for (let round = 0; round < 3; round++) {
    for (const cost of costs) {
      const ms = await timed(() => bcrypt.hash('correct horse battery', cost));
      fastest.set(cost, Math.min(ms, fastest.get(cost) ?? Number.POSITIVE_INFINITY));
    }
  }
  const baseline = fastest.get(10) ?? NaN;
  const rows = costs.map((cost) => [cost, fastest.get(cost) ?? NaN, ratio(fastest.get(cost) ?? NaN, baseline)]);
  return markdownTable(['bcrypt cost', 'ms per hash (fastest of 3)', 'vs cost 10'], rows, 0);
}

async function loginTable(pool: pg.Pool, cost: number, samples: number): Promise<string> {
  await insertUser(pool, { email: 'bench@example.com', passwordHash: await hashPassword('right password', cost) });
  const rows: (string | number)[][] = [];
  const checks: [string, VerifyCredentials][] = [
    ['naive (Q&A)', naiveCredentialCheck(pool)],
    ['dummy-hash compare', createCredentialCheck(pool, cost)],
  ];
  for (const [name, verify] of checks) {
    await verify('warmup@example.com', 'x');
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < samples; i++) {
      unknown.push(await timed(() => verify(`nobody-${i}@example.com`, 'wrong password')));
      wrong.push(await timed(() => verify('bench@example.com', 'wrong password')));
    }
    // Three decimals: the naive ratio is well under 0.01, which two decimals would print as 0.
    const of = (pick: (values: number[]) => number) => (pick(unknown) / pick(wrong)).toFixed(3);
    rows.push([name, median(unknown), median(wrong), of(median), of((values) => Math.min(...values))]);
  }
  return markdownTable(
    ['login check', 'unknown email, median ms', 'wrong password, median ms', 'unknown / wrong', 'same, fastest runs'],
    rows,
    1,
  );
}

const services = await resolveServices(['postgres']);
const database = await createScratchDatabase(services.databaseUrl, 'security_bench');
const pool = new pg.Pool({ connectionString: database.url, max: 2 });
try {
  await createUsersTable(pool);
  reportBench('bcrypt-cost', await costTable());
  const samples = 11;
  reportBench(
    'login-timing',
    `${await loginTable(pool, 12, samples)}\n\nCost 12, ${samples} interleaved samples per cell, called in-process (no HTTP).`,
  );
} finally {
  await pool.end();
  await database.drop();
  await services.stop();
}
