// What do the framework and the ORM cost over the same service layer? GET /products/:id (one
// indexed query per request) served by a bare node:http + pg handler, and by the whole layered
// stack on Express or Fastify with the Sequelize or the plain-pg repository, each in its own
// process, measured in interleaved rounds in one run.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import { signAccessToken } from '../app/api/access-token.js';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';

const EDGES = ['bare', 'express-sequelize', 'express-pg', 'fastify-sequelize', 'fastify-pg'] as const;
const ROUNDS = 4;
const SECONDS = 1.5;
const CONCURRENCY = 16;
const PRODUCTS = 50;
// The layered edges check a token on every request (one HMAC); the bare handler has no auth.
const TOKEN_SECRET = randomBytes(32).toString('base64url');
const AUTHORIZATION = `Bearer ${signAccessToken({ userId: 1, role: 'user' }, TOKEN_SECRET)}`;

function fetchOnce(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { authorization: AUTHORIZATION } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url} → ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Closed loop: CONCURRENCY clients, each sending its next request when the last one is answered. */
async function requestsPerSecond(base: string, seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const client = async (offset: number) => {
    for (let n = offset; performance.now() < deadline; n++) {
      await fetchOnce(`${base}/products/${(n % PRODUCTS) + 1}`, agent);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => client(i)));
  agent.destroy();
  return done / ((performance.now() - started) / 1000);
}

/** Spawns one edge; `children` records it at once so the finally block kills it whatever happens next. */
async function startEdge(kind: string, databaseUrl: string, children: ChildProcess[]): Promise<{ base: string }> {
  const script = fileURLToPath(new URL('./serve-edge.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, kind, databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TOKEN_SECRET },
  });
  children.push(child);
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const ready = /READY (\S+)/.exec(output);
    if (ready?.[1]) return { base: ready[1] };
  }
  throw new Error(`${kind} edge exited before it was ready`);
}

const resolved = await resolveServices(['postgres']);
const scratch = await createScratchDatabase(resolved.databaseUrl, 'arch_bench');
const children: ChildProcess[] = [];
try {
  const db = createDatabase(scratch.url, { poolMax: 2 });
  await migrate(db, migrations);
  const { products } = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
  for (let i = 1; i <= PRODUCTS; i++) await products.create({ name: `Product ${i}`, priceCents: i * 100, stock: i });
  await db.close();

  const edges = new Map<string, string>();
  const started = await Promise.all(EDGES.map((kind) => startEdge(kind, scratch.url, children)));
  for (const [i, kind] of EDGES.entries()) {
    const base = started[i]?.base ?? '';
    edges.set(kind, base);
    await requestsPerSecond(base, 0.5); // warm-up: JIT, pools, prepared paths
  }
  const samples = new Map<string, number[]>(EDGES.map((kind) => [kind, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of EDGES) samples.get(kind)?.push(await requestsPerSecond(edges.get(kind) ?? '', SECONDS));
  }
  const bare = median(samples.get('bare') ?? []);
  const rows = EDGES.map((kind) => {
    const values = samples.get(kind) ?? [];
    const range = `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
    return [kind, Math.round(median(values)), range, ratio(median(values), bare)];
  });
  reportBench(
    'http-edge',
    `GET /products/:id, ${CONCURRENCY} concurrent keep-alive clients, median of ${ROUNDS} interleaved ${SECONDS}s rounds; ` +
      'server and load generator share the 2 cores with Postgres.\n\n' +
      markdownTable(['edge (framework-repository)', 'requests/s (median)', 'range', 'vs bare node:http + pg'], rows),
  );
} finally {
  for (const child of children) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
  await scratch.drop();
  await resolved.stop();
}
