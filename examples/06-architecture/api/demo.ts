import { randomBytes } from 'node:crypto';
import { closeServer, listen, portFromEnv, recipe } from '@cookbook/shared';
import { signAccessToken } from '../app/api/access-token.js';
import { createServices, type Services } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createHttpServer } from '../app/express-app.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';

/** A few rows to look at. */
export async function seed({ users, products }: Pick<Services, 'users' | 'products'>): Promise<void> {
  for (const [name, email] of [
    ['Ada Lovelace', 'ada@example.com'],
    ['Grace Hopper', 'grace@example.com'],
    ['Edsger Dijkstra', 'edsger@example.com'],
  ] as const) {
    await users.register({ email, name, password: 'correct horse battery staple' });
  }
  for (const [name, priceCents, stock] of [
    ['Kettle', 2599, 12],
    ['Teapot', 3499, 4],
    ['Mug', 899, 40],
  ] as const) {
    await products.create({ name, priceCents, stock });
  }
  await users.drain();
}

/** A secret for this run, and tokens for Ada (user 1, admin) and Grace (user 2, no role beyond user). */
export function demoTokens() {
  const tokenSecret = randomBytes(32).toString('base64url');
  return {
    tokenSecret,
    admin: signAccessToken({ userId: 1, role: 'admin' }, tokenSecret),
    user: signAccessToken({ userId: 2, role: 'user' }, tokenSecret),
  };
}

/** The curl lines a reader can paste while the server runs. */
export function curlLines(url: string, { admin, user }: { admin: string; user: string }): string[] {
  const json = "-H 'content-type: application/json'";
  return [
    `ADMIN='authorization: Bearer ${admin}'`,
    `GRACE='authorization: Bearer ${user}'`,
    `curl -s ${url}/users                          # 401: reading needs a token`,
    `curl -s -H "$GRACE" '${url}/products?limit=2'`,
    `curl -s -H "$GRACE" -X PATCH ${url}/users/2 ${json} -d '{"name":"Grace B. Hopper"}'`,
    `curl -s -H "$GRACE" -X DELETE ${url}/users/3    # 403: deleting needs the admin role`,
    `curl -s -H "$ADMIN" -X POST ${url}/users ${json} -d '{"email":"linus@example.com","name":"Linus","password":"correct horse battery"}'`,
    `curl -s -H "$ADMIN" ${url}/users/999            # 404 in the error shape`,
    `curl -s -H "$ADMIN" '${url}/users?limit=500'    # 400 naming limit`,
  ];
}

export const apiDemo = recipe({
  services: ['postgres'],
  title: 'the layered API on Express: migrate, seed, serve',
  lookFor: 'the curl lines; each answer carries an x-request-id, errors share one JSON shape',
  async run({ urls, smoke, scratchDatabase, defer, untilStopped, log }) {
    const db = createDatabase(await scratchDatabase('arch_api'), { poolMax: 5 });
    defer(() => db.close());
    log(`migrate: applied ${(await migrate(db, migrations)).join(', ')}`);
    const services = createServices({ db });
    defer(() => services.users.drain()); // welcome emails already started
    await seed(services);
    const tokens = demoTokens();
    const server = createHttpServer({ ...services, tokenSecret: tokens.tokenSecret });
    const url = await listen(server, smoke ? 0 : portFromEnv(3006));
    defer(() => closeServer(server));
    log(`Listening on ${url} (Postgres: ${new URL(urls.databaseUrl).host})`);
    if (smoke) {
      const res = await fetch(`${url}/products?limit=2`, { headers: { authorization: `Bearer ${tokens.user}` } });
      log(`GET /products?limit=2 → ${res.status} ${await res.text()}`);
      return;
    }
    for (const line of ['Try:', ...curlLines(url, tokens).map((l) => `  ${l}`), 'Ctrl-C stops the server.']) log(line);
    await untilStopped();
  },
});
