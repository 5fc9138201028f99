import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { withServer } from '@cookbook/shared';
import { describe, expect, it } from 'vitest';
import { createUsersApp } from './compression.js';

/** The gzip header's XFL byte: zlib writes 4 for its fastest level (1), 2 for its best (9), 0 between. */
const xfl = (gzipped: Buffer) => gzipped[8];

interface RawResponse {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The bytes on the wire, not decompressed (fetch and supertest would hide what we measure). */
function rawGet(url: string, acceptEncoding?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
    get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('compression', () => {
  // #region gzip
  it('gzips the 1000-user list to a fraction of its size, same JSON inside', async () => {
    await withServer(createUsersApp({ compress: true }), async (url) => {
      const gzipped = await rawGet(`${url}/users`, 'gzip');
      const plain = await rawGet(`${url}/users`);
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
      expect(plain.headers['content-encoding']).toBeUndefined(); // the client did not ask for it
      expect(plain.body.length / gzipped.body.length).toBeGreaterThan(5);
      expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    });
  });
  // #endregion gzip

  // #region level
  it('gzips at level 1: about the bytes of the default level 6 (within 1%), at its fastest', async () => {
    await withServer(createUsersApp({ compress: true }), async (url) => {
      const gzipped = await rawGet(`${url}/users`, 'gzip');
      const plain = await rawGet(`${url}/users`);
      expect(xfl(gzipped.body)).toBe(4); // zlib's "fastest" flag: level 1
      const level6 = gzipSync(plain.body, { level: 6 }).length;
      expect(Math.abs(gzipped.body.length / level6 - 1)).toBeLessThan(0.01);
    });
  });
  // #endregion level

  it('takes another level when one is passed (the bench sweeps them)', async () => {
    await withServer(createUsersApp({ compress: true, level: 9 }), async (url) => {
      expect(xfl((await rawGet(`${url}/users`, 'gzip')).body)).toBe(2); // zlib's "best" flag: level 9
    });
  });

  it('prefers brotli when the client offers it (compression 1.8+)', async () => {
    await withServer(createUsersApp({ compress: true }), async (url) => {
      const res = await rawGet(`${url}/users`, 'gzip, deflate, br');
      expect(res.headers['content-encoding']).toBe('br');
      expect(JSON.parse(brotliDecompressSync(res.body).toString())).toHaveLength(1000);
    });
  });

  it('sends a response below the 1 KiB threshold uncompressed', async () => {
    await withServer(createUsersApp({ compress: true }), async (url) => {
      const health = await rawGet(`${url}/health`, 'gzip');
      expect(health.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(health.body.toString())).toEqual({ ok: true });
    });
  });

  it('without the middleware, nothing is compressed', async () => {
    await withServer(createUsersApp({ compress: false }), async (url) => {
      const users = await rawGet(`${url}/users`, 'gzip');
      expect(users.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(users.body.toString())).toHaveLength(1000);
    });
  });
});
