// Guided demos for the recipes that need no database: main.ts runs them and passes in how to print.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createUsersApp } from './compression.js';
import { naiveStringifyUsers, stringifyUsers } from './fast-json.js';
import { sampleUsers, toPublicUser } from './sample-users.js';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from './worker-threads.js';

export interface Tour {
  smoke: boolean;
  heading(title: string): void;
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;

/** Serves `app` on a free port for the length of `work`. */
export async function withServer<T>(app: Express, work: (url: string) => Promise<T>): Promise<T> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function timedFetch(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, body };
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function workerThreadsDemo(tour: Tour): Promise<void> {
  const n = tour.smoke ? 30 : 37;
  tour.heading(`worker-threads: fibonacci(${n}) and a ping sent while it runs`);
  const pool = createFibonacciPool({ maxThreads: 2 });
  try {
    await pool.run({ n: 1 }); // start a thread before timing anything
    for (const [name, app] of [
      ['inline', blockingFibonacciApp()],
      ['piscina pool', createFibonacciApp(pool, 10_000)],
    ] as const) {
      await withServer(app, async (url) => {
        await timedFetch(`${url}/ping`);
        const job = timedFetch(`${url}/fibonacci`, post({ n }));
        await new Promise((resolve) => setTimeout(resolve, 5)); // let the job reach the server first
        const ping = await timedFetch(`${url}/ping`);
        console.log(`${name.padEnd(13)} job ${ms((await job).ms)}   ping ${ms(ping.ms)}`);
      });
    }
    await withServer(createFibonacciApp(pool, 50), async (url) => {
      const bad = await timedFetch(`${url}/fibonacci`, post({ n: 'forty' }));
      console.log(`bad input      ${bad.status} ${bad.body}`);
      const slow = await timedFetch(`${url}/fibonacci`, post({ n: 42 }));
      console.log(`over deadline  ${slow.status} ${slow.body} after ${ms(slow.ms).trim()}`);
    });
  } finally {
    await pool.destroy();
  }
  console.log('Look for: inline, the ping waits for the whole job; with the pool it answers in a few ms.');
}

export async function compressionDemo(tour: Tour): Promise<void> {
  tour.heading('compression: GET /users (1000 users) with and without gzip');
  for (const compress of [false, true]) {
    await withServer(createUsersApp({ compress }), async (url) => {
      const bytes = await new Promise<number>((resolve, reject) => {
        get(`${url}/users`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          let total = 0;
          res.on('data', (chunk: Buffer) => (total += chunk.length)).on('end', () => resolve(total));
        }).on('error', reject);
      });
      console.log(`${compress ? 'gzip' : 'none'}  ${bytes.toLocaleString('en-US').padStart(7)} bytes on the wire`);
    });
  }
  console.log('Look for: about 8x fewer bytes; `pnpm bench performance` shows what it costs in requests/s.');
}

export function fastJsonDemo(tour: Tour): void {
  tour.heading('fast-json: the seed schema vs an array schema on 100 users');
  const users = sampleUsers(100);
  console.log(`seed (object schema): ${naiveStringifyUsers(users.map(toPublicUser))}`);
  const fixed = stringifyUsers(users);
  console.log(`array schema:         ${fixed.slice(0, 70)}… (${fixed.length} chars)`);
  console.log(
    `passwordHash in output? fast-json-stringify: ${fixed.includes('passwordHash')}, JSON.stringify: ${JSON.stringify(users).includes('passwordHash')}`,
  );
  console.log('Look for: the seed answers {} for a list; the schema drops fields it does not name.');
}
