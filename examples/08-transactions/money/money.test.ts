import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineWallets, deposit, naiveDeposit, type Wallets } from '../src/decimal-money.js';
import { connectSequelize } from '../src/sequelize.js';

const database = useTestDatabase('money');
let sequelize: Sequelize;
let wallets: Wallets;

beforeAll(async () => {
  sequelize = connectSequelize(database.url, 2);
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
  it('Sequelize hands a DECIMAL back as a string', async () => {
    const wallet = await wallets.findByPk(1, { rejectOnEmpty: true });
    expect(wallet.balance).toBe('100.00');
  });

  it('the Q&A `balance + amount` concatenates: 100.00 + 50 is stored as 100.01', async () => {
    expect(await naiveDeposit(wallets, 1, 50)).toBe('100.0050');
    const stored = await wallets.findByPk(1, { rejectOnEmpty: true });
    expect(stored.balance).toBe('100.01');
  });

  it('SQL-side arithmetic adds exactly, cents included', async () => {
    expect(await deposit(wallets, 1, 50)).toBe('150.00');
    expect(await deposit(wallets, 1, 0.1)).toBe('150.10');
    expect(await deposit(wallets, 1, 0.2)).toBe('150.30');
  });
});
