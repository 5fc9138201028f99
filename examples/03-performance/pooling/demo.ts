import { recipe } from '@cookbook/shared';
import pg from 'pg';
import { createPool, queryWithNewClient, withClient } from './pooling.js';

const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;

export const poolingDemo = recipe({
  services: ['postgres'],
  title: 'sequential queries on a new client each vs a pool, and an exhausted pool',
  lookFor: 'the pool is tens of times faster, and exhaustion is an error, not a hang.',
  async run({ smoke, scratchDatabase, defer, log }) {
    const count = smoke ? 20 : 200;
    const databaseUrl = await scratchDatabase('performance_pooling');
    let started = performance.now();
    for (let i = 0; i < count; i++) await queryWithNewClient(databaseUrl, 'SELECT 1');
    log(`${count} × new Client per query ${ms(performance.now() - started)}`);
    const pool = createPool(databaseUrl, 5);
    defer(() => pool.end());
    started = performance.now();
    for (let i = 0; i < count; i++) await pool.query('SELECT 1');
    log(`${count} × pg.Pool              ${ms(performance.now() - started)}`);
    const tiny = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 200 });
    defer(() => tiny.end());
    const held = await tiny.connect();
    const error = await withClient(tiny, (client) => client.query('SELECT 1')).catch((e: unknown) => e);
    log(`exhausted pool: ${error instanceof Error ? `${error.name}: ${error.message}` : 'no error?'}`);
    held.release();
  },
});
