import { usePausedBackends, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import type { Sequelize } from 'sequelize';
import type { Response } from 'supertest';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { expectUnavailable, expectWarnings } from '../test/outage-expectations.js';
import { openMigratedDatabase, serveEdge, TOKEN_SECRET, uniqueEmail } from '../test/support.js';
import { useTableLocks } from '../test/table-locks.js';

const database = useTestDatabase('arch-outage');
/** The test's own connections: they read pg_stat_activity, hold locks and terminate backends. */
let pool: pg.Pool;
const backends = usePausedBackends(() => pool);
const locks = useTableLocks(() => pool);
// Short for a test, long enough that a loaded 2-core machine never trips it with a healthy query.
const TIMEOUT_MS = 1_000;

beforeAll(async () => {
  pool = database.pool({ max: 2 });
  await (await openMigratedDatabase(database.url)).close();
});

describe.each(['express', 'fastify'] as const)('%s, when Postgres stops answering', (framework) => {
  // The app's connections carry this name, so pg_stat_activity tells them from the test's own.
  const applicationName = `arch-outage-${framework}`;
  let db: Sequelize;
  let served: Awaited<ReturnType<typeof serveEdge>>;
  let logger: ReturnType<typeof createMemoryLogger>;
  let dropped: number; // connections the app has closed (Sequelize's version probe among them)

  beforeEach(async () => {
    db = createDatabase(database.url, { poolMax: 1, timeoutMs: TIMEOUT_MS, applicationName });
    dropped = 0;
    db.addHook('afterDisconnect', () => {
      dropped += 1;
    });
    logger = createMemoryLogger();
    const services = createServices({ db, mailer: new MemoryOutbox(), logger });
    served = await serveEdge(framework, { ...services, tokenSecret: TOKEN_SECRET });
  });
  afterEach(async () => {
    try {
      await backends.resumeAll(); // before closing: a frozen backend would hold the close up
    } finally {
      await locks.releaseAll(); // before closing too: a query waiting on a lock would hold the close up
      await served.close();
      await db.close();
    }
  });

  /** The app's backends; `waiting` keeps those waiting on a lock. */
  async function appBackends(waiting = false): Promise<number[]> {
    const { rows } = await pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1
         AND ($2::boolean IS FALSE OR wait_event_type = 'Lock')`,
      [applicationName, waiting],
    );
    return rows.map((row) => row.pid);
  }

  /** A request whose query waits on a lock while its backend is terminated, as a restart does. */
  async function terminatedMidRequest(): Promise<Response> {
    const release = await locks.hold('products');
    try {
      const answer = listProducts();
      const [waiting] = await waitUntil(async () => {
        const pids = await appBackends(true);
        return pids.length > 0 ? pids : undefined;
      }, 'the app query to wait on the lock');
      await pool.query('SELECT pg_terminate_backend($1)', [waiting]);
      return await answer;
    } finally {
      await release();
    }
  }

  const listProducts = () => served.http.call('get', '/products');

  /** A 200, or the warning that says why not. */
  async function expectServed(): Promise<void> {
    const res = await listProducts();
    expect(res.status, JSON.stringify(logger.entries.filter((e) => e.level !== 'info').at(-1))).toBe(200);
  }

  it('a frozen backend: 503s with Retry-After within the bound, then the next request runs on a new connection', async () => {
    await expectServed(); // the pool's one connection, idle now
    const [frozen] = await appBackends();
    if (frozen === undefined) throw new Error('the app holds no connection');
    backends.pause(frozen);
    // One request waits on the frozen backend (query_timeout), one for the pool's only connection (acquire).
    const answers = await Promise.all([listProducts(), listProducts()]);
    for (const res of answers) expectUnavailable(res);
    expectWarnings(logger, 2);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.fields.errorMessage)).toEqual(
      expect.arrayContaining(['Query read timeout', expect.stringMatching(/timeout/i)]),
    );
    expect(logger.entries.map((e) => e.fields.errorName)).toContain('SequelizeConnectionAcquireTimeoutError');
    // The pool dropped the connection that timed out: a new one serves, the frozen backend still stopped.
    await expectServed();
    expect((await appBackends()).filter((pid) => pid !== frozen)).toHaveLength(1);
    await backends.resumeAll(); // resolves once the old backend exits: the app had hung up on it
  });

  it('a restart mid-request (pg_terminate_backend): 503 with Retry-After; the pool drops the connection, the next request succeeds', async () => {
    await expectServed(); // Sequelize's version probe connects and disconnects on the first request
    const droppedBefore = dropped;
    expectUnavailable(await terminatedMidRequest());
    // The server's goodbye comes before its socket closes: the very next request must not get the
    // dead connection (it did in about one run in six; `hangUpOnGoodbye` is why it cannot now).
    await expectServed();
    expect(dropped).toBeGreaterThan(droppedBefore);
    expectWarnings(logger, 1);
  });

  it('ten restarts in a row: each costs the request it cut, never the next one', async () => {
    await expectServed();
    for (let restart = 1; restart <= 10; restart++) {
      expectUnavailable(await terminatedMidRequest());
      await expectServed();
    }
    expectWarnings(logger, 10);
  });

  it('a statement slower than the bound: Postgres cancels it, 503, and the same connection serves on', async () => {
    await expectServed();
    const before = await appBackends();
    const release = await locks.hold('products');
    expectUnavailable(await listProducts());
    await release();
    await expectServed();
    // The server's statement_timeout fired before the client's longer query_timeout: no reconnect.
    expect(await appBackends()).toEqual(before);
    expectWarnings(logger, 1);
  });

  it('a domain error keeps its status under the bounds: 409 for a taken email, 404 for an unknown user', async () => {
    const user = { email: uniqueEmail('outage'), name: 'Ada', password: 'correct horse battery staple' };
    expect((await served.http.call('post', '/users', user)).status).toBe(201);
    const taken = await served.http.call('post', '/users', user);
    expect([taken.status, taken.body.error.code]).toEqual([409, 'EMAIL_TAKEN']);
    const missing = await served.http.call('get', '/users/424242');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expectWarnings(logger, 0);
  });
});
