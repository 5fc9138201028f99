import { createServer, get } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import { describe, expect, it } from 'vitest';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer, GREETING } from './frameworks.js';

async function fetchHello(url: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${url}/hello`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

/** A revalidation as a browser or CDN sends it (fetch would add `cache-control: no-cache`). */
function revalidate(url: string, etag: string): Promise<{ status?: number; etag?: string }> {
  return new Promise((resolve, reject) => {
    get(`${url}/hello`, { headers: { 'if-none-match': etag }, agent: false }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag }));
    }).on('error', reject);
  });
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
      expect((await fetch(`${urls[1]}/hello`)).headers.get('x-powered-by')).toBeNull(); // same headers, too
    } finally {
      await Promise.all([closeServer(node), closeServer(expressServer), fastify.close()]);
    }
  });
  // #endregion same-json

  it('all three answer another method or path with a JSON 404', async () => {
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
        expect((await fetch(`${url}/hello`, { method: 'POST' })).status).toBe(404);
        expect((await fetch(`${url}/nope`)).status).toBe(404);
      }
      const missing = await fetch(`${urls[0]}/hello`, { method: 'DELETE' });
      expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await missing.json()).toEqual({ error: 'not found' });
    } finally {
      await Promise.all([closeServer(node), closeServer(expressServer), fastify.close()]);
    }
  });

  // #region etag
  it("Express's default ETag turns a revalidation into a 304; etag: false sends the body every time", async () => {
    const withEtag = createServer(createExpressHelloApp());
    const withoutEtag = createServer(createExpressHelloApp({ etag: false }));
    try {
      const [hashed, plain] = [await listen(withEtag, 0), await listen(withoutEtag, 0)];
      const etag = (await fetch(`${hashed}/hello`)).headers.get('etag') ?? '';
      expect(etag).toMatch(/^W\/"/); // a weak hash of the body, computed on every response
      expect(await revalidate(hashed, etag)).toEqual({ status: 304, etag });
      expect(await revalidate(plain, etag)).toEqual({ status: 200, etag: undefined });
      expect(await fetchHello(plain)).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: GREETING });
    } finally {
      await Promise.all([closeServer(withEtag), closeServer(withoutEtag)]);
    }
  });
  // #endregion etag
});
