import { createServer } from 'node:http';
import { recipe, withServer } from '@cookbook/shared';
import { createServiceClient, naiveGetUser } from './service-client.js';

const since = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

export const resilientHttpDemo = recipe({
  services: [],
  title: 'REST between services: timeout, retry, circuit breaker',
  lookFor: 'the naive call still waiting; after 3 failures the breaker answers in 0 ms without calling.',
  async run({ log }) {
    let mode: 'hang' | 'down' | 'up' = 'hang';
    const userService = createServer((req, res) => {
      if (mode === 'down') return void req.socket.destroy();
      if (mode === 'up') res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
    });
    await withServer(userService, async (url) => {
      const client = createServiceClient({ baseUrl: url, timeoutMs: 300, retries: 1 });
      const guarded = createServiceClient({
        baseUrl: url,
        retries: 0,
        breaker: { volumeThreshold: 3, resetTimeoutMs: 500 },
      });
      try {
        let start = performance.now();
        let naiveDone = false;
        const settle = () => {
          naiveDone = true;
        };
        naiveGetUser(url, 1).then(settle, settle);
        await client
          .get('/users/1')
          .catch((error: Error) =>
            log(`fixed client, hung service: ${error.message} after ${since(start)} (2 × 300 ms)`),
          );
        log(`naive client, same service: ${naiveDone ? 'settled' : 'still waiting'} after ${since(start)}`);
        mode = 'down';
        for (let i = 1; i <= 6; i += 1) {
          start = performance.now();
          const outcome = await guarded.get('/users/1').then(
            () => 'ok',
            (error: Error & { code?: string }) => error.code ?? error.name,
          );
          const state = guarded.breaker.opened ? 'OPEN' : 'closed';
          log(`call ${i} to a dead service: ${outcome.padEnd(26)} in ${since(start).padStart(6)}  breaker ${state}`);
        }
        mode = 'up';
        await new Promise((resolve) => guarded.breaker.once('halfOpen', resolve));
        const answer = JSON.stringify(await guarded.get('/users/1'));
        log(
          `service back, breaker half-open: next call → ${answer}, breaker ${guarded.breaker.closed ? 'closed' : 'open'}`,
        );
      } finally {
        client.close();
        guarded.close();
      }
    });
  },
});
