import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { closeServer, listen, withServer } from '@cookbook/shared';
import type express from 'express';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { memoryOutbox } from '../passwords/mailer.js';
import { TEST_SECRET, useUsersDatabase } from '../test/support.js';
import { demoServer } from './demo.js';
import { isLoopback, loopbackOnly } from './loopback-only.js';

const db = useUsersDatabase('security_api_demo');

const appOptions = () => ({ pool: db.appPool, mailer: memoryOutbox(), jwtSecret: TEST_SECRET, corsOrigins: [] });

describe('api demo: the injectable route is mounted only when asked for', () => {
  it('is absent by default: /unsafe/users is the ordinary 404', async () => {
    await withServer(demoServer(appOptions(), { injectable: false }), async (url) => {
      const res = await fetch(`${url}/unsafe/users?id=1%20OR%201=1`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    });
  });

  it('when asked for, it is the real pitfall, but its role cannot drop the table and no stack trace leaves', async () => {
    await db.pool.query(
      "INSERT INTO users (email, password_hash) VALUES ('ada@example.com', 'x'), ('alan@example.com', 'y')",
    );
    await withServer(demoServer({ ...appOptions(), log: () => {} }, { injectable: true }), async (url) => {
      const leak = await fetch(`${url}/unsafe/users?id=${encodeURIComponent('1 OR 1=1')}`);
      expect(await leak.json()).toHaveLength(2);
      const drop = await fetch(`${url}/unsafe/users?id=${encodeURIComponent('0; DROP TABLE users')}`);
      expect(drop.status).toBe(500);
      expect(await drop.text()).toBe('{"error":"internal error"}');
    });
    const { rows } = await db.pool.query("SELECT to_regclass('users') IS NOT NULL AS exists");
    expect(rows).toEqual([{ exists: true }]);
  });
});

describe('loopbackOnly: the socket address decides, never X-Forwarded-For', () => {
  it.each(['127.0.0.1', '127.8.8.8', '::1', '::ffff:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });

  it.each(['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', 'fd00::2', undefined])('%s is not', (address) => {
    expect(isLoopback(address)).toBe(false);
  });

  it('refuses a request whose socket is not loopback with the ordinary 404', () => {
    const passed: unknown[] = [];
    const fromLan = { socket: { remoteAddress: '192.0.2.2' }, headers: { 'x-forwarded-for': '127.0.0.1' } };
    loopbackOnly()(fromLan as unknown as Request, {} as express.Response, (error?: unknown) => passed.push(error));
    expect(passed).toEqual([expect.objectContaining({ status: 404 })]);
  });

  it('answers a LAN client byte for byte as for a path the API does not have, so nothing hints it is there', async () => {
    const server = demoServer({ ...appOptions(), log: () => {} }, { injectable: true });
    // Before Express sees the request: its socket now says it came from the LAN.
    server.prependListener('request', (req: IncomingMessage) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '192.0.2.2', configurable: true });
    });
    await withServer(server, async (url) => {
      const guarded = await fetch(`${url}/unsafe/users?id=1`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      const absent = await fetch(`${url}/no/such/path`);
      expect(guarded.status).toBe(404);
      expect(await guarded.text()).toBe(await absent.text());
    });
  });

  // A real socket from a non-loopback address needs an interface that has one.
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;
  it.runIf(lan)(
    `the demo's injectable route answers 404 to a real connection over ${lan ?? 'a LAN interface'}`,
    async () => {
      const server = demoServer({ ...appOptions(), log: () => {} }, { injectable: true });
      const url = await listen(server, 0, lan);
      try {
        const res = await fetch(`${url}/unsafe/users?id=1`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
        expect(res.status).toBe(404);
      } finally {
        await closeServer(server);
      }
    },
  );
});
