import { portFromEnv, recipe } from '@cookbook/shared';
import { curlLines, demoTokens, seed } from '../api/demo.js';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';

export const fastifyDemo = recipe({
  services: ['postgres'],
  title: 'the same services, schemas and error table behind Fastify',
  lookFor: 'the same curl lines answer exactly as the Express API does',
  async run({ smoke, scratchDatabase, defer, untilStopped, log }) {
    const db = createDatabase(await scratchDatabase('arch_fastify'), { poolMax: 5 });
    defer(() => db.close());
    await migrate(db, migrations);
    const services = createServices({ db });
    defer(() => services.users.drain());
    await seed(services);
    const tokens = demoTokens();
    const app = createFastifyApp({ ...services, tokenSecret: tokens.tokenSecret });
    const url = await app.listen({ port: smoke ? 0 : portFromEnv(3007), host: '127.0.0.1' });
    defer(() => app.close());
    log(`Listening on ${url}`);
    if (smoke) {
      const res = await fetch(`${url}/products?limit=2`, { headers: { authorization: `Bearer ${tokens.user}` } });
      log(`GET /products?limit=2 → ${res.status} ${await res.text()}`);
      return;
    }
    for (const line of ['Try:', ...curlLines(url, tokens).map((l) => `  ${l}`), 'Ctrl-C stops the server.']) log(line);
    await untilStopped();
  },
});
