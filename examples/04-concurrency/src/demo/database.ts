import { createServer, type Server } from 'node:http';
import { Sequelize } from 'sequelize';
import { defineAccounts, naiveTransferMoney, type TransferRequest, transferMoney } from '../db-transaction.js';
import { createArticleApp } from '../optimistic-http.js';
import { addTagChecked, defineArticles, unsafeAddTag } from '../optimistic-locking.js';
import { retryOnConflict } from '../optimistic-retry.js';
import { type DemoContext, look } from './context.js';

// Postgres waits deadlock_timeout (1 s by default) before it looks for a deadlock; 100 ms keeps the demo short.
const connect = (url: string) =>
  new Sequelize(url, { logging: false, pool: { max: 8 }, dialectOptions: { options: '-c deadlock_timeout=100ms' } });

export async function dbTransactionDemo({ databaseUrl, heading, smoke }: DemoContext): Promise<void> {
  const count = smoke ? 16 : 60;
  const sequelize = connect(databaseUrl);
  try {
    const accounts = defineAccounts(sequelize);
    await accounts.sync({ force: true });
    heading(`db-transaction: ${count} transfers between alice and bob, half each way, all at once`);
    for (const [label, transfer] of [
      ["Q&A's debit-check-credit", naiveTransferMoney],
      ['rows locked in id order', transferMoney],
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
      console.log(`${label.padEnd(26)} deadlocked ${String(deadlocks).padStart(2)} of ${count}, total ${total}`);
    }
    look('both keep the total at 2000 (a transaction is all or nothing), but the Q&A’s order deadlocks.');
  } finally {
    await sequelize.close();
  }
}

/** How main.ts runs a server: `listen` returns its base URL; `hold` keeps it up until Ctrl-C, or closes it at once. */
export interface Serve {
  listen(server: Server): Promise<string>;
  hold(server: Server, tryIt: string): Promise<void>;
}

export async function optimisticLockingDemo(context: DemoContext, serve: Serve): Promise<void> {
  const sequelize = connect(context.databaseUrl);
  try {
    const articles = defineArticles(sequelize);
    await articles.sync({ force: true });
    context.heading('optimistic-locking: 20 editors each add a tag to the same article at once');
    const tags = Array.from({ length: 20 }, (_, i) => `tag-${i}`);
    const unsafe = await articles.create({ title: 'unsafe', tags: [] });
    await Promise.all(tags.map((tag) => unsafeAddTag(articles, unsafe.id, tag)));
    const checked = await articles.create({ title: 'checked', tags: [] });
    await Promise.all(tags.map((tag) => retryOnConflict(() => addTagChecked(articles, checked.id, tag), 50)));
    for (const article of [unsafe, checked]) {
      await article.reload();
      console.log(`${article.title.padEnd(8)} kept ${article.tags.length} of 20 tags, version ${article.version}`);
    }
    look('the unchecked read-modify-write loses tags; version check + retry keeps all 20.');

    context.heading('optimistic-locking: the HTTP API answers a stale version with 409');
    const server = createServer(createArticleApp(articles));
    const url = `${await serve.listen(server)}/articles/${checked.id}`;
    const patch = (version: number) =>
      fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Renamed', version }),
      });
    const fresh = await patch(checked.version);
    const stale = await patch(checked.version);
    console.log(`PATCH with version ${checked.version}: ${fresh.status}; again with the same version: ${stale.status}`);
    console.log(JSON.stringify(await stale.json()));
    const tryIt = `curl ${url}, then curl -X PATCH ${url} -H 'content-type: application/json' -d '{"title":"x","version":<the version you read>}'`;
    await serve.hold(server, tryIt);
  } finally {
    await sequelize.close();
  }
}
