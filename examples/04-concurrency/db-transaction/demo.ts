import { recipe } from '@cookbook/shared';
import { Sequelize } from 'sequelize';
import { defineAccounts, naiveTransferFunds, type TransferRequest, transferFunds } from './db-transaction.js';

export const dbTransactionDemo = recipe({
  services: ['postgres'],
  title: 'transfers between alice and bob, half each way, all at once',
  lookFor: 'both keep the total at 2000 (a transaction is all or nothing), but the Q&A’s order deadlocks.',
  async run({ smoke, scratchDatabase, defer, log }) {
    const count = smoke ? 16 : 60;
    // Postgres waits deadlock_timeout (1 s by default) before it looks for a deadlock; 100 ms is quicker.
    const sequelize = new Sequelize(await scratchDatabase('concurrency_transfer'), {
      logging: false,
      pool: { max: 8 },
      dialectOptions: { options: '-c deadlock_timeout=100ms' },
    });
    defer(() => sequelize.close());
    const accounts = defineAccounts(sequelize);
    await accounts.sync({ force: true });
    for (const [label, transfer] of [
      ["Q&A's debit-check-credit", naiveTransferFunds],
      ['rows locked in id order', transferFunds],
    ] as const) {
      await accounts.truncate({ restartIdentity: true });
      await accounts.bulkCreate([
        { owner: 'alice', balance: 1000 },
        { owner: 'bob', balance: 1000 },
      ]);
      const requests: TransferRequest[] = Array.from({ length: count }, (_, i) => ({
        from: i % 2 ? 1 : 2,
        to: i % 2 ? 2 : 1,
        amount: 1 + ((i * 37) % 50),
      }));
      const outcomes = await Promise.allSettled(requests.map((r) => transfer(sequelize, accounts, r)));
      const deadlocks = outcomes.filter((o) => o.status === 'rejected' && /deadlock/.test(String(o.reason))).length;
      const total = (await accounts.sum('balance')) as number;
      log(`${label.padEnd(26)} deadlocked ${String(deadlocks).padStart(2)} of ${count}, total ${total}`);
    }
  },
});
