import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMain } from '../src/is-main.js';
import { measureLoopDelay } from '../src/loop-delay.js';
import { closeServer, listen, PortInUseError, portFromEnv } from '../src/runtime.js';
import { waitUntil } from '../src/testing/wait.js';

describe('runtime helpers', () => {
  it('isMain is true only for the file Node was asked to run', () => {
    const file = new URL(import.meta.url).pathname;
    expect(isMain(import.meta.url, file)).toBe(true);
    expect(isMain(import.meta.url, file.replace(/\.ts$/, ''))).toBe(true);
    expect(isMain(pathToFileURL(file).href, '/somewhere/else.ts')).toBe(false);
    expect(isMain(import.meta.url, undefined)).toBe(false);
  });

  it('portFromEnv names the variable when it is malformed', () => {
    expect(portFromEnv(3000, {})).toBe(3000);
    expect(portFromEnv(3000, { PORT: '8080' })).toBe(8080);
    expect(() => portFromEnv(3000, { PORT: 'eighty' })).toThrow(
      'PORT must be an integer from 0 to 65535, got "eighty"',
    );
  });

  it('listen turns a busy port into one line that names PORT=', async () => {
    const holder = createServer();
    const url = await listen(holder, 0);
    const port = Number(new URL(url).port);
    try {
      await expect(listen(createServer(), port)).rejects.toThrow(new PortInUseError(port).message);
      expect(new PortInUseError(port).message).toContain(`PORT=${port + 1}`);
    } finally {
      await closeServer(holder);
    }
  });

  it('listen reports the URL of port 0 and closeServer does not wait for idle keep-alive sockets', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const url = await listen(server, 0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // fetch keeps the connection alive; close() alone would wait for it to time out.
    expect(await (await fetch(url)).text()).toBe('ok');
    await closeServer(server);
    expect(server.listening).toBe(false);
  });

  it('measureLoopDelay sees a synchronous block', async () => {
    const { delay } = await measureLoopDelay(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const until = Date.now() + 200;
      while (Date.now() < until) {}
    });
    expect(delay.max).toBeGreaterThanOrEqual(160);
  });
});

describe('waitUntil', () => {
  it('resolves once the condition holds, and fails naming what it waited for', async () => {
    let calls = 0;
    await waitUntil(() => ++calls === 3, 'the third call', 1_000, 1);
    expect(calls).toBe(3);
    await expect(waitUntil(async () => false, 'a state that never comes', 50, 5)).rejects.toThrow(
      'timed out after 50 ms waiting for a state that never comes',
    );
  });
});
