import { startTcpProxy, type TcpProxy, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionLost } from '../retry/retry-transaction.js';
import { type Accounts, defineAccounts } from './account-model.js';
import { connectSequelize } from './sequelize.js';
import { transferFunds } from './transfer.js';

const database = useTestDatabase('transfer_faults');
let proxy: TcpProxy;
// The transfer goes through the proxy; the test reads the balances on its own connection.
let throughProxy: Sequelize;
let direct: Sequelize;
let accounts: Accounts;
let proxiedAccounts: Accounts;

beforeAll(async () => {
  proxy = await startTcpProxy(database.url);
  direct = connectSequelize(database.url, 2);
  accounts = await defineAccounts(direct);
  throughProxy = connectSequelize(proxy.url(), 2);
  proxiedAccounts = await defineAccounts(throughProxy);
});

afterAll(async () => {
  await throughProxy?.close();
  await direct?.close();
  await proxy?.close();
});

beforeEach(async () => {
  await accounts.destroy({ where: {} });
  await accounts.bulkCreate([
    { id: 1, balanceCents: 10_000 },
    { id: 2, balanceCents: 10_000 },
  ]);
});

const balances = async () => (await accounts.findAll({ order: [['id', 'ASC']] })).map((a) => a.balanceCents);
const transfer = () => transferFunds(throughProxy, proxiedAccounts, 1, 2, 2_500);

describe('acid-transfer: the connection is cut', () => {
  it('between the debit and the credit: the transfer is reported, nothing is half-applied, no row stays locked', async () => {
    const cut = proxy.cutOnClientBytes('"balance_cents"+', 'before');
    const failure = await transfer().catch((error: unknown) => error);
    await cut;
    expect(isConnectionLost(failure)).toBe(true);
    expect(await balances()).toEqual([10_000, 10_000]);
    // The server rolled back when the client vanished: the next transfer finds both rows free.
    await transfer();
    expect(await balances()).toEqual([7_500, 12_500]);
  });

  it('as the COMMIT lands: the caller sees an error although the money moved, so a blind retry would move it twice', async () => {
    const cut = proxy.cutOnClientBytes('COMMIT', 'after');
    const failure = await transfer().catch((error: unknown) => error);
    await cut;
    expect(isConnectionLost(failure)).toBe(true);
    // The server acts on the COMMIT it read before the end of the stream, a moment after the error.
    await waitUntil(async () => (await balances())[0] !== 10_000, 'the server to finish the COMMIT it received');
    expect(await balances()).toEqual([7_500, 12_500]);
  });
});
