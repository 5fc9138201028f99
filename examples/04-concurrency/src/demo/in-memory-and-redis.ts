import { Redis } from 'ioredis';
import { memoryBalance, redisBalance } from '../balance-store.js';
import { createLockedAccount, naiveWithdraw, simulatedLatency, type WithdrawResult } from '../mutex.js';
import { atomicIncrement, naiveIncrement } from '../redis-atomic.js';
import { acquireLock, fencedWrite, withLock } from '../redis-lock.js';
import { seedTransferFunds, transferFunds, unsafeClientTransfer } from '../redis-lua.js';
import { type DemoContext, look } from './context.js';

const show = (results: WithdrawResult[]) =>
  results.map((r) => (r.ok ? `withdrew ${r.amount}` : `refused ${r.amount}`)).join(', ');

export async function mutexDemo({ redis, prefix, heading }: DemoContext): Promise<void> {
  const slow = simulatedLatency(50);
  heading('mutex: withdraw 600 and 500 from 1000 at the same time');
  const bare = memoryBalance(1000);
  console.log(
    `no lock:   ${show(await Promise.all([naiveWithdraw(bare, 600, slow), naiveWithdraw(bare, 500, slow)]))}`,
  );
  const account = createLockedAccount(memoryBalance(1000), slow);
  console.log(`one mutex: ${show(await Promise.all([account.withdraw(600), account.withdraw(500)]))}`);
  heading('mutex: two processes, each with its own mutex, one Redis balance');
  const key = `${prefix}mutex:balance`;
  await redis.set(key, '1000');
  // Two Mutex instances are exactly what two processes have; test/mutex.test.ts uses real ones.
  const [a, b] = [
    createLockedAccount(redisBalance(redis, key), slow),
    createLockedAccount(redisBalance(redis, key), slow),
  ];
  console.log(`two mutexes: ${show(await Promise.all([a.withdraw(600), b.withdraw(500)]))}`);
  look('both withdrawals succeed without a lock and across processes; one mutex refuses the second.');
}

export async function redisAtomicDemo({ redisUrl, prefix, heading }: DemoContext): Promise<void> {
  heading('redis-atomic: 1,000 concurrent increments from 4 connections');
  const clients = Array.from({ length: 4 }, () => new Redis(redisUrl));
  try {
    for (const [label, increment] of [
      ['GET then SET', naiveIncrement],
      ['INCR', atomicIncrement],
    ] as const) {
      const key = `${prefix}counter:${label}`;
      await Promise.all(Array.from({ length: 1000 }, (_, i) => increment(clients[i % 4] as Redis, key)));
      console.log(`${label.padEnd(12)} → ${await clients[0]?.get(key)}`);
    }
  } finally {
    await Promise.all(clients.map((client) => client.quit()));
  }
  look('GET then SET ends far below 1000; INCR ends at exactly 1000.');
}

export async function redisLuaDemo({ redis, prefix, heading }: DemoContext): Promise<void> {
  heading('redis-lua: 1,000 concurrent random transfers among 10 accounts of 100');
  for (const [label, transfer] of [
    ['checked in Node', unsafeClientTransfer],
    ['Lua script', transferFunds],
  ] as const) {
    const keys = Array.from({ length: 10 }, (_, i) => `${prefix}lua:${label}:${i}`);
    await redis.mset(...keys.flatMap((key) => [key, '100']));
    const transfers = Array.from({ length: 1000 }, () => {
      const from = Math.floor(Math.random() * 10);
      const to = (from + 1 + Math.floor(Math.random() * 9)) % 10; // never the sender
      return transfer(redis, keys[from] as string, keys[to] as string, 1 + Math.floor(Math.random() * 60));
    });
    await Promise.all(transfers);
    const balances = (await redis.mget(...keys)).map(Number);
    console.log(
      `${label.padEnd(16)} total ${balances.reduce((x, y) => x + y)}, lowest balance ${Math.min(...balances)}`,
    );
  }
  heading("redis-lua: the Q&A's script trusts its input");
  const [from, to] = [`${prefix}lua:alice`, `${prefix}lua:bob`];
  await redis.mset(from, '100', to, '100');
  await seedTransferFunds(redis, from, to, -150);
  console.log(`seed script, amount -150: alice ${await redis.get(from)}, bob ${await redis.get(to)}`);
  await transferFunds(redis, from, to, -150).catch((error: Error) => console.log(`fixed script: ${error.message}`));
  look('the Node-side check drives balances negative; the script never does, and refuses bad amounts.');
}

export async function redisLockDemo({ redis, prefix, heading }: DemoContext): Promise<void> {
  heading('redis-lock: 20 workers do a read-modify-write under one Redis lock');
  const counter = `${prefix}lock:counter`;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      withLock(redis, `${prefix}lock`, async () => {
        await redis.set(counter, String(Number((await redis.get(counter)) ?? 0) + 1));
      }),
    ),
  );
  console.log(`counter after 20 locked increments: ${await redis.get(counter)}`);
  heading('redis-lock: a holder whose lock expired tries to write');
  const key = `${prefix}lock:fenced`;
  const late = await acquireLock(redis, key, 1); // 1 ms: it expires while its holder "pauses"
  let current = await acquireLock(redis, key, 10_000);
  for (let tries = 0; !current && tries < 1000; tries++) current = await acquireLock(redis, key, 10_000);
  if (late && current) {
    console.log(
      `current holder (token ${current.fence}) writes: ${await fencedWrite(redis, `${key}:doc`, current, 'new')}`,
    );
    console.log(`late holder (token ${late.fence}) writes:    ${await fencedWrite(redis, `${key}:doc`, late, 'old')}`);
  }
  look('20, and the late holder’s write refused because its fencing token is older.');
}
