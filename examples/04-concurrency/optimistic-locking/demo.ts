import { createServer } from 'node:http';
import { closeServer, listen, portFromEnv, recipe } from '@cookbook/shared';
import { Sequelize } from 'sequelize';
import { createArticleApp } from './optimistic-http.js';
import { addTagChecked, defineArticles, unsafeAddTag } from './optimistic-locking.js';
import { retryOnConflict } from './optimistic-retry.js';

export const optimisticLockingDemo = recipe({
  services: ['postgres'],
  title: '20 editors add a tag to the same article at once, then the HTTP API answers a stale version',
  lookFor: 'the unchecked read-modify-write loses tags; version check + retry keeps all 20; a stale PATCH gets 409.',
  async run({ smoke, alone, scratchDatabase, defer, untilStopped, log }) {
    const sequelize = new Sequelize(await scratchDatabase('concurrency_articles'), {
      logging: false,
      pool: { max: 8 },
    });
    defer(() => sequelize.close());
    const articles = defineArticles(sequelize);
    await articles.sync({ force: true });
    const tags = Array.from({ length: 20 }, (_, i) => `tag-${i}`);
    const unsafe = await articles.create({ title: 'unsafe', tags: [] });
    await Promise.all(tags.map((tag) => unsafeAddTag(articles, unsafe.id, tag)));
    const checked = await articles.create({ title: 'checked', tags: [] });
    await Promise.all(tags.map((tag) => retryOnConflict(() => addTagChecked(articles, checked.id, tag), 50)));
    for (const article of [unsafe, checked]) {
      await article.reload();
      log(`${article.title.padEnd(8)} kept ${article.tags.length} of 20 tags, version ${article.version}`);
    }

    // Run on its own (`pnpm example concurrency optimistic-locking`), the API stays up until Ctrl-C.
    const keepServing = !smoke && alone;
    const server = createServer(createArticleApp(articles));
    const url = `${await listen(server, keepServing ? portFromEnv(3000) : 0)}/articles/${checked.id}`;
    defer(() => closeServer(server));
    const patch = (version: number) =>
      fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Renamed', version }),
      });
    const fresh = await patch(checked.version);
    const stale = await patch(checked.version);
    log(`PATCH with version ${checked.version}: ${fresh.status}; again with the same version: ${stale.status}`);
    log(JSON.stringify(await stale.json()));
    if (keepServing) {
      log(`Serving until Ctrl-C. Try: curl ${url}, then curl -X PATCH ${url} \\`);
      log(`  -H 'content-type: application/json' -d '{"title":"x","version":<the version you read>}'`);
      await untilStopped();
    }
  },
});
