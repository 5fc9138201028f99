import { createServer } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import { describe, expect, it } from 'vitest';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer, GREETING } from './frameworks.js';

async function fetchHello(url: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${url}/hello`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

describe('frameworks', () => {
  // #region same-json
  it('node:http, Fastify and Express serve the same JSON', async () => {
    const node = createNodeHelloServer();
    const expressServer = createServer(createExpressHelloApp());
    const fastify = createFastifyHelloApp();
    try {
      const urls = [
        await listen(node, 0),
        await listen(expressServer, 0),
        await fastify.listen({ port: 0, host: '127.0.0.1' }),
      ];
      for (const url of urls) {
        expect(await fetchHello(url)).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: GREETING });
      }
      expect((await fetch(`${urls[0]}/nope`)).status).toBe(404);
    } finally {
      await Promise.all([closeServer(node), closeServer(expressServer), fastify.close()]);
    }
  });
  // #endregion same-json
});
