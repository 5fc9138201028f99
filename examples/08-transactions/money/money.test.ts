import { useTestDatabase } from '@cookbook/shared/testing';
import { EmptyResultError, Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertCents } from './cents.js';
import { defineWallets, deposit, naiveDeposit, type Wallets } from './decimal-money.js';

const database = useTestDatabase('money');
let sequelize: Sequelize;
let wallets: Wallets;

beforeAll(async () => {
  sequelize = new Sequelize(database.url, { dialect: 'postgres', logging: false, pool: { max: 5 } });
  wallets = await defineWallets(sequelize);
});

afterAll(async () => {
  await sequelize?.close();
});

beforeEach(async () => {
  await wallets.destroy({ where: {} });
  await wallets.create({ id: 1, balance: '100.00' });
});

describe('acid-transfer: money as numbers', () => {
  it('the Q&A schema: DECIMAL(12,2), never null, keyed by id, no timestamp columns', async () => {
    const [columns] = await sequelize.query(
      `SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable
         FROM information_schema.columns WHERE table_name = 'wallets' ORDER BY column_name`,
    );
    expect(columns).toEqual([
      { column_name: 'balance', data_type: 'numeric', numeric_precision: 12, numeric_scale: 2, is_nullable: 'NO' },
      { column_name: 'id', data_type: 'integer', numeric_precision: 32, numeric_scale: 0, is_nullable: 'NO' },
    ]);
    // Registered as 'Wallet', the name associations and sequelize.models look it up by.
    expect(sequelize.model('Wallet')).toBe(wallets);
    await expect(wallets.create({ id: 1, balance: '1.00' })).rejects.toMatchObject({
      name: 'SequelizeUniqueConstraintError',
    });
  });

  it('a deposit to a wallet that does not exist is refused, by either deposit', async () => {
    await expect(deposit(wallets, 404, 50)).rejects.toBeInstanceOf(EmptyResultError);
    await expect(naiveDeposit(wallets, 404, 50)).rejects.toBeInstanceOf(EmptyResultError);
  });

  it('Sequelize hands a DECIMAL back as a string', async () => {
    const wallet = await wallets.findByPk(1, { rejectOnEmpty: true });
    expect(wallet.balance).toBe('100.00');
  });

  // #region decimal-pitfall
  it('the Q&A `balance + amount` concatenates: 100.00 + 50 is stored as 100.01', async () => {
    expect(await naiveDeposit(wallets, 1, 50)).toBe('100.0050');
    const stored = await wallets.findByPk(1, { rejectOnEmpty: true });
    expect(stored.balance).toBe('100.01');
  });
  // #endregion decimal-pitfall

  it('SQL-side arithmetic adds exactly, cents included', async () => {
    expect(await deposit(wallets, 1, 50)).toBe('150.00');
    expect(await deposit(wallets, 1, 0.1)).toBe('150.10');
    expect(await deposit(wallets, 1, 0.2)).toBe('150.30');
  });

  it('a deposit lands in its own wallet only', async () => {
    await wallets.create({ id: 2, balance: '7.00' });
    expect(await deposit(wallets, 2, 0.25)).toBe('7.25');
    expect((await wallets.findByPk(1, { rejectOnEmpty: true })).balance).toBe('100.00');
  });

  it('concurrent deposits all land: the database adds, so no read-modify-write can lose one', async () => {
    await Promise.all(Array.from({ length: 20 }, () => deposit(wallets, 1, 0.1)));
    expect((await wallets.findByPk(1, { rejectOnEmpty: true })).balance).toBe('102.00');
  });
});

describe('money as integer cents', () => {
  it('accepts a positive whole number of cents', () => {
    expect(assertCents(2_500)).toBe(2_500);
  });

  it.each([0, -100, 0.1 + 0.2, 12.5, Number.NaN, 2 ** 53])('refuses %s, naming the field', (amount) => {
    expect(() => assertCents(amount, 'totalCents')).toThrow(/totalCents must be a positive integer number of cents/);
  });
});
