import { glob, readFile } from 'node:fs/promises';
import {
  closePool,
  createTestDatabase,
  startTcpProxy,
  type TcpProxy,
  testPool,
  testServices,
  waitUntil,
} from '@cookbook/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The flake this guards against: a test ends its pool, its database is dropped WITH (FORCE), and a
// session the pool called closed is still on the server. The drop kills it (57P01), and the error
// lands, unhandled, in whatever test runs next. A proxy that holds the client's goodbye makes the
// window as wide as the test wants, so the race is shown every time instead of once in five runs.

let admin: pg.Pool;
let proxy: TcpProxy;

beforeAll(async () => {
  admin = testPool({ connectionString: testServices().databaseUrl, max: 1 });
  proxy = await startTcpProxy(testServices().databaseUrl);
});

afterAll(async () => {
  await proxy?.close();
  if (admin) await closePool(admin);
});

const sessionsOn = async (database: string): Promise<number> =>
  (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n;

describe('teardown before DROP DATABASE … WITH (FORCE)', () => {
  it('pool.end() resolves while the server still holds the session, and the drop then kills it (57P01)', async () => {
    const database = await createTestDatabase(testServices().databaseUrl, 'teardown');
    // The pitfall on purpose: a bare pool, as every test here used to make one.
    const pool = new pg.Pool({ connectionString: proxy.url(database.url), max: 1 });
    const errors: (Error & { code?: string })[] = [];
    pool.on('error', (error) => errors.push(error));
    await pool.query('SELECT 1');
    proxy.holdUpstream();
    await pool.end();
    expect(await sessionsOn(database.name)).toBe(1);
    await database.drop();
    await waitUntil(() => errors.length > 0, 'the dropped session to report its error');
    expect(errors[0]?.code).toBe('57P01');
    proxy.releaseUpstream();
  });

  it('closePool waits until the server has let the session go, so the drop finds nobody', async () => {
    const database = await createTestDatabase(testServices().databaseUrl, 'teardown');
    const pool = testPool({ connectionString: proxy.url(database.url), max: 1 });
    await pool.query('SELECT 1');
    proxy.holdUpstream();
    let closed = false;
    const closing = closePool(pool).then(() => {
      closed = true;
    });
    // A round trip to the server later, the goodbye is still held: closePool has not resolved.
    expect(await sessionsOn(database.name)).toBe(1);
    expect(closed).toBe(false);
    proxy.releaseUpstream();
    await closing;
    expect(await sessionsOn(database.name)).toBe(0);
    await database.drop();
  });

  it('no test, demo or bench of this package opens a pg pool that its teardown cannot wait for', async () => {
    const offenders: string[] = [];
    const root = new URL('..', import.meta.url);
    for await (const file of glob('**/{*.test.ts,demo.ts,*.bench.ts}', { cwd: root, exclude: ['node_modules/**'] })) {
      if (file === 'test/teardown.test.ts') continue;
      const source = await readFile(new URL(file, root), 'utf8');
      if (/new (pg\.)?Pool\(/.test(source)) offenders.push(file);
    }
    // Tests: useTestDatabase().pool() or testPool(); demos and benches: demoPool().
    expect(offenders).toEqual([]);
  });
});
