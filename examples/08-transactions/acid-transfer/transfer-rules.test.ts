import { describe, expect, it } from 'vitest';
import { InsufficientFundsError } from '../accounts/accounts.js';
import { totalCents } from './account-model.js';
import { useTwoAccounts } from './test/two-accounts.js';
import { naiveTransfer, transferFunds } from './transfer.js';

const bank = useTwoAccounts('transfer_rules', 100_000, 2);

describe('acid-transfer: what a transfer refuses', () => {
  it('rejects a bad amount, a self-transfer or a missing account before touching a row', async () => {
    await expect(transferFunds(bank.sequelize, bank.accounts, 1, 2, 0)).rejects.toThrow(/amountCents/);
    await expect(transferFunds(bank.sequelize, bank.accounts, 1, 2, 1.5)).rejects.toThrow(/amountCents/);
    await expect(transferFunds(bank.sequelize, bank.accounts, 1, 1, 10)).rejects.toThrow(/same account/);
    await expect(transferFunds(bank.sequelize, bank.accounts, 1, 99, 10)).rejects.toThrow(/account 99/);
    await expect(transferFunds(bank.sequelize, bank.accounts, 99, 1, 10)).rejects.toMatchObject({
      name: 'AccountNotFoundError',
      message: 'account 99 does not exist',
    });
    expect(await totalCents(bank.accounts)).toBe(200_000);
  });

  it("checks the sender's own balance, whichever id is lower, and lets an exact balance go", async () => {
    await bank.accounts.update({ balanceCents: 50 }, { where: { id: 2 } });
    await expect(transferFunds(bank.sequelize, bank.accounts, 2, 1, 51)).rejects.toMatchObject({
      name: 'InsufficientFundsError',
      message: 'account 2 has 50 cents, cannot send 51',
    });
    await transferFunds(bank.sequelize, bank.accounts, 2, 1, 50);
    expect((await bank.accounts.findByPk(2))?.balanceCents).toBe(0);
    expect(await totalCents(bank.accounts)).toBe(100_050);
  });
});

describe("acid-transfer: the Q&A's transfer, run alone", () => {
  it('refuses an overdraft and unknown bank.accounts, and moves an exact balance', async () => {
    await expect(naiveTransfer(bank.sequelize, bank.accounts, 1, 2, 100_001)).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    await expect(naiveTransfer(bank.sequelize, bank.accounts, 99, 2, 1)).rejects.toThrow(/account 99/);
    await expect(naiveTransfer(bank.sequelize, bank.accounts, 1, 99, 1)).rejects.toThrow(/account 99/);
    expect(await totalCents(bank.accounts)).toBe(200_000);
    await naiveTransfer(bank.sequelize, bank.accounts, 1, 2, 100_000);
    expect((await bank.accounts.findByPk(1))?.balanceCents).toBe(0);
    expect((await bank.accounts.findByPk(2))?.balanceCents).toBe(200_000);
  });

  it('refuses a row without a balance before sending any SQL, naming the field', async () => {
    await expect(bank.accounts.create({ id: 4 } as never)).rejects.toMatchObject({
      name: 'SequelizeValidationError',
      message: expect.stringContaining('balanceCents'),
    });
  });
});
