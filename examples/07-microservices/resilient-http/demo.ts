import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elapsed } from './demo-util.js';
import { createServiceClient, naiveGetUser } from './service-client.js';

export async function resilientHttpDemo(): Promise<void> {
  let mode: 'hang' | 'down' | 'up' = 'hang';
  const server = createServer((req, res) => {
    if (mode === 'down') return void req.socket.destroy();
    if (mode === 'up') res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createServiceClient({ baseUrl: url, timeoutMs: 300, retries: 1 });
  const guarded = createServiceClient({
    baseUrl: url,
    retries: 0,
    breaker: { volumeThreshold: 3, resetTimeoutMs: 500 },
  });
  try {
    let start = performance.now();
    let naiveDone = false;
    naiveGetUser(url, 1).then(
      () => (naiveDone = true),
      () => (naiveDone = true),
    );
    await client
      .get('/users/1')
      .catch((error: Error) =>
        console.log(`fixed client, hung service: ${error.message} after ${elapsed(start)} (2 attempts of 300 ms)`),
      );
    console.log(`naive client, same service: ${naiveDone ? 'settled' : 'still waiting'} after ${elapsed(start)}`);
    mode = 'down';
    for (let i = 1; i <= 6; i += 1) {
      start = performance.now();
      const outcome = await guarded.get('/users/1').then(
        () => 'ok',
        (error: Error & { code?: string }) => error.code ?? error.name,
      );
      console.log(
        `call ${i} to a dead service: ${outcome.padEnd(26)} in ${elapsed(start).padStart(6)}  breaker ${guarded.breaker.opened ? 'OPEN' : 'closed'}`,
      );
    }
    mode = 'up';
    await new Promise((resolve) => guarded.breaker.once('halfOpen', resolve));
    console.log(
      `service back, breaker half-open: next call → ${JSON.stringify(await guarded.get('/users/1'))}, breaker ${guarded.breaker.closed ? 'closed' : 'open'}`,
    );
    console.log(
      'Look for: the naive call still waiting; after 3 failures the breaker answers in 0 ms without calling.',
    );
  } finally {
    client.close();
    guarded.close();
    server.closeAllConnections();
    server.close();
  }
}
