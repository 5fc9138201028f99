import { Mutex } from 'async-mutex';
import type { BalanceStore } from './balance-store.js';

export type WithdrawResult =
  | { ok: true; amount: number; balance: number }
  | { ok: false; amount: number; reason: 'insufficient-funds'; balance: number };

/** The slow step between the balance check and the write: a fraud check, a call to a ledger. */
export type SlowStep = () => Promise<void>;

export const simulatedLatency =
  (ms: number): SlowStep =>
  () =>
    new Promise((resolve) => setTimeout(resolve, ms));

function assertAmount(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0)
    throw new RangeError(`amount must be a positive integer, got ${amount}`);
}

// #region naive-withdraw
/**
 * Check-then-act with an `await` in between: every caller that reads before the first one
 * writes sees the old balance, so two withdrawals of 600 and 500 from 1000 both succeed.
 */
export async function naiveWithdraw(store: BalanceStore, amount: number, slowStep: SlowStep): Promise<WithdrawResult> {
  assertAmount(amount);
  const balance = await store.read();
  if (balance < amount) return { ok: false, amount, reason: 'insufficient-funds', balance };
  await slowStep();
  await store.write(balance - amount);
  return { ok: true, amount, balance: balance - amount };
}
// #endregion naive-withdraw

// #region locked-account
/**
 * One mutex per account serialises check-then-act inside this process. `runExclusive`
 * releases the lock even when the body throws, which a hand-written acquire/release can forget.
 */
export function createLockedAccount(store: BalanceStore, slowStep: SlowStep) {
  const mutex = new Mutex();
  return {
    withdraw: (amount: number): Promise<WithdrawResult> =>
      mutex.runExclusive(() => naiveWithdraw(store, amount, slowStep)),
  };
}
// #endregion locked-account
