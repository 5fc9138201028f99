import { afterEach, describe, expect, it, vi } from 'vitest';
import { preparedTransactionsDisabledMessage } from '../src/interbank-transfer.js';
import { main } from '../src/main.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('main', () => {
  it('an unknown recipe prints the valid names and exits 1', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await main(['nope'])).toBe(1);
    expect(errors.join('\n')).toMatch(/unknown recipe "nope".*acid-transfer, saga, two-phase-commit, outbox/);
  });

  it('explains how to enable prepared transactions when they are off', () => {
    const message = preparedTransactionsDisabledMessage(0);
    expect(message).toMatch(/max_prepared_transactions = 0/);
    expect(message).toMatch(/ALTER SYSTEM SET max_prepared_transactions = 64/);
  });
});
