import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { uniqueName } from '@cookbook/shared';
import { reservablePort, testServices, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/catalog.js';
import { groupAlive } from '../src/run-example.js';

/**
 * What a run leaves behind can only be told apart from what others create at the same time on
 * shared services if the run has services of its own: a Postgres role that owns every database it
 * makes, a Redis server of its own, and a RabbitMQ virtual host.
 */
const role = uniqueName('interrupt');
const vhost = role;
let admin: pg.Client;
let redisServer: ReturnType<typeof spawn>;
let redis: Redis;
let redisPort = 0;

const rabbitctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8' });
const ownedDatabases = async () =>
  (
    await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)',
      [role],
    )
  ).rows.map((row) => row.datname);
const queues = () => rabbitctl('list_queues', '-p', vhost, '--no-table-headers', 'name').split('\n').filter(Boolean);

beforeAll(async () => {
  admin = new pg.Client({ connectionString: testServices().databaseUrl });
  await admin.connect();
  await admin.query(`CREATE ROLE "${role}" LOGIN CREATEDB`);
  redisPort = await reservablePort();
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  redis = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => {}); // refused while the server starts; the wait below retries
  await waitUntil(
    () =>
      redis.connect().then(
        () => true,
        () => false,
      ),
    'the run’s own Redis',
  );
  rabbitctl('add_vhost', vhost);
  rabbitctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}, 60_000);

afterAll(async () => {
  for (const name of await ownedDatabases()) await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS "${role}"`);
  await admin.end();
  redis.disconnect();
  redisServer.kill();
  rabbitctl('delete_vhost', vhost);
});

describe('Ctrl-C during pnpm test of a package on all three services', () => {
  it('leaves no database, key or queue behind', { timeout: 240_000 }, async () => {
    const base = new URL(testServices().databaseUrl);
    // One file whose tests hold all three at once, named by path: the whole package would spend half
    // a minute on files that do not before the interrupt could come.
    const testRunner = join(ROOT, 'scripts/src/test.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', testRunner, 'microservices/order-flow/system.test.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        COOKBOOK_NESTED_RUN: '1',
        DATABASE_URL: `postgres://${role}@${base.host}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      },
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
    const exited = once(child, 'exit') as Promise<[number | null]>;

    // Interrupt once the tests hold something of each kind, so cleanup has work to do.
    // Polled often: a quick run may hold all three at once for only a moment. A run that ends first
    // fails the test at once, with its exit code, instead of leaving the wait to time out.
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`the run exited (${child.exitCode}) before it held all three`);
        return (await ownedDatabases()).length > 0 && (await redis.dbsize()) > 0 && queues().length > 0;
      },
      'a database, a key and a queue of the run',
      180_000,
      100,
    ).catch((error: Error) => {
      // The run's output as it stands when the wait gives up, not as it was when the wait began.
      if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
      throw new Error(`${error.message}; the run printed:\n${output.slice(-2000)}`);
    });
    process.kill(-(child.pid ?? 0), 'SIGINT');
    const [code] = await exited;
    expect(code).toBe(130);
    await waitUntil(() => !groupAlive(child.pid ?? 0), 'every process of the run to exit', 10_000);

    expect(await ownedDatabases()).toEqual([]);
    expect(await redis.keys('*')).toEqual([]);
    expect(queues(), output.slice(-1500)).toEqual([]);
  });
});
