import { createHash } from 'node:crypto';
import { type OwnRedis, startOwnRedis, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRANSFER_LUA, transferFunds } from './redis-lua.js';

// A redis-server of this file's own, with appendonly so that its keys outlive a crash, as money must.
let server: OwnRedis;
let clients: Redis[];
const sha = createHash('sha1').update(TRANSFER_LUA).digest('hex');

beforeEach(async () => {
  server = await startOwnRedis({ appendonly: true });
  clients = Array.from({ length: 4 }, () => {
    // A command cut by a crash fails instead of being sent again: a resent transfer that had already
    // run would move the money twice, and a test of what a crash leaves must see the cut.
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false });
    client.on('error', () => {}); // refused while it restarts: expected here
    return client;
  });
});
afterEach(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

const ACCOUNTS = 10;
const OPENING = 100;
const keys = Array.from({ length: ACCOUNTS }, (_, i) => `account:${i}`);
const first = () => clients[0] as Redis;
const balances = async () => (await first().mget(...keys)).map(Number);

describe('Lua transfers when Redis restarts', () => {
  it('a restart empties the script cache; the next transfer loads the script again by itself', async () => {
    await first().mset(...keys.flatMap((key) => [key, String(OPENING)]));
    expect(await transferFunds(first(), 'account:0', 'account:1', 10)).toBe(true);
    await server.restart();
    expect(await first().script('EXISTS', sha)).toEqual([0]); // EVALSHA alone would fail: NOSCRIPT
    expect(await transferFunds(first(), 'account:1', 'account:2', 30)).toBe(true);
    expect(await first().script('EXISTS', sha)).toEqual([1]);
    expect((await balances()).slice(0, 3)).toEqual([90, 80, 130]);
  });

  it('a crash in the middle of a stream of transfers never leaves half of one: no money made or lost', async () => {
    await first().mset(...keys.flatMap((key) => [key, String(OPENING)]));
    let running = true;
    let settled = 0;
    // Four clients, each with one transfer always in flight, so each crash lands in the middle of four.
    const streams = clients.map(async (client, n) => {
      for (let i = 0; running; i++) {
        const from = keys[(n + i) % ACCOUNTS] as string;
        const to = keys[(n + i * 3 + 1) % ACCOUNTS] as string;
        if (from === to) continue;
        // A transfer lost with its connection ran whole or not at all, which is the point.
        await transferFunds(client, from, to, 1 + (i % 30)).catch(() => false);
        settled++;
      }
    });
    for (let crash = 1; crash <= 3; crash++) {
      const before = settled;
      await waitUntil(() => settled >= before + 200, `200 more transfers before crash ${crash}`);
      await server.restart(); // SIGKILL, then the server comes back from its append-only file
    }
    const atLastRestart = settled;
    await waitUntil(() => settled >= atLastRestart + 200, '200 transfers after the last restart');
    running = false;
    await Promise.all(streams);
    const after = await balances();
    expect(after.reduce((sum, balance) => sum + balance, 0)).toBe(ACCOUNTS * OPENING);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(0);
  });
});
