import type { Server } from 'node:http';
import { recipe, withServer } from '@cookbook/shared';
import autocannon from 'autocannon';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer } from './frameworks.js';

async function requestsPerSecond(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  return result.requests.average;
}

export const frameworksDemo = recipe({
  services: [],
  title: 'GET /hello on node:http, Fastify and Express, each loaded briefly with autocannon',
  lookFor: 'the same body; Fastify close to bare node:http, Express behind (the load generator shares the CPU).',
  async run({ smoke, log }) {
    const seconds = smoke ? 0 : 2;
    const fastify = createFastifyHelloApp();
    await fastify.ready();
    const servers: [string, Server | ReturnType<typeof createExpressHelloApp>][] = [
      ['node:http', createNodeHelloServer()],
      ['fastify', fastify.server],
      ['express', createExpressHelloApp()],
    ];
    try {
      for (const [name, server] of servers) {
        await withServer(server, async (url) => {
          const body = await (await fetch(`${url}/hello`)).text();
          const rate = seconds ? `${Math.round(await requestsPerSecond(`${url}/hello`, seconds))} req/s` : '';
          log(`${name.padEnd(10)} ${body} ${rate.padStart(12)}`);
        });
      }
    } finally {
      await fastify.close();
    }
  },
});
