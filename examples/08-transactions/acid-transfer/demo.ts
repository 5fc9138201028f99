import { recipe } from '@cookbook/shared';
import pg from 'pg';
import { defineWallets, deposit, naiveDeposit } from '../money/decimal-money.js';
import { sqlState } from '../retry/retry-transaction.js';
import { defineAccounts, totalCents } from './account-model.js';
import { connectSequelize } from './sequelize.js';
import { withdraw } from './serializable-withdraw.js';
import { naiveTransfer, transferFunds } from './transfer.js';

export const acidTransferDemo = recipe({
  services: ['postgres'],
  title: 'row locks in id order, integer cents, SERIALIZABLE with a bounded retry',
  lookFor: 'the Q&A lock order loses transfers to deadlocks; id order loses none; DECIMAL + number concatenates',
  async run({ scratchDatabase, smoke, log, defer }) {
    const url = await scratchDatabase('transfer');
    // Postgres looks for deadlocks after deadlock_timeout (1 s by default); 50 ms keeps the demo short.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET deadlock_timeout = '50ms'`);
    await admin.end();
    const sequelize = connectSequelize(url, 8);
    defer(() => sequelize.close());
    const accounts = await defineAccounts(sequelize);
    const count = smoke ? 40 : 200;
    for (const [label, transfer] of [
      ['sender-then-receiver locks (the Q&A)', naiveTransfer],
      ['both rows locked in id order', transferFunds],
    ] as const) {
      await accounts.destroy({ where: {} });
      await accounts.bulkCreate([
        { id: 1, balanceCents: 100_000 },
        { id: 2, balanceCents: 100_000 },
      ]);
      const results = await Promise.allSettled(
        Array.from({ length: count }, (_, i) =>
          i % 2 ? transfer(sequelize, accounts, 2, 1, 100) : transfer(sequelize, accounts, 1, 2, 100),
        ),
      );
      const deadlocks = results.filter((r) => r.status === 'rejected' && sqlState(r.reason) === '40P01').length;
      log(
        `${label}: ${count} opposite transfers, ${deadlocks} killed as deadlock victims (40P01), total ${await totalCents(accounts)} cents`,
      );
    }

    const wallets = await defineWallets(sequelize);
    await wallets.create({ id: 1, balance: '100.00' });
    const inMemory = await naiveDeposit(wallets, 1, 50);
    const stored = (await wallets.findByPk(1, { rejectOnEmpty: true })).balance;
    log(`DECIMAL "100.00" + 50 in JavaScript: "${inMemory}", stored by Postgres as ${stored}`);
    await wallets.update({ balance: '100.00' }, { where: { id: 1 } });
    log(`the same deposit done in SQL (balance = balance + 50): ${await deposit(wallets, 1, 50)}`);

    await accounts.update({ balanceCents: 10_000 }, { where: { id: 1 } });
    let retries = 0;
    const withdrawals = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        withdraw(sequelize, accounts, 1, 100, { attempts: 10, onRetry: () => retries++ }),
      ),
    );
    const failed = withdrawals.filter((r) => r.status === 'rejected').length;
    const left = (await accounts.findByPk(1))?.balanceCents;
    log(
      `10 concurrent SERIALIZABLE withdrawals of 100: ${retries} serialization failures retried, ${failed} failed, ${left} cents left`,
    );
  },
});
