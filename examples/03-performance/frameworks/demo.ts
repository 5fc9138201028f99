// The frameworks demo: the same route on three stacks, each loaded briefly with autocannon.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import type { Tour } from './demo-cpu.js';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer } from './frameworks.js';

async function load(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url: `${url}/hello`, connections: 10, duration: seconds });
  return result.requests.average;
}

export async function frameworksDemo(tour: Tour): Promise<void> {
  const seconds = tour.smoke ? 0 : 2;
  tour.heading(`frameworks: GET /hello on node:http, Fastify and Express${seconds ? `, ${seconds} s each` : ''}`);
  const node = createNodeHelloServer();
  const express = createServer(createExpressHelloApp());
  const fastify = createFastifyHelloApp();
  try {
    for (const server of [node, express]) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const urls: [string, string][] = [
      ['node:http', `http://127.0.0.1:${(node.address() as AddressInfo).port}`],
      ['fastify', await fastify.listen({ port: 0, host: '127.0.0.1' })],
      ['express', `http://127.0.0.1:${(express.address() as AddressInfo).port}`],
    ];
    for (const [name, url] of urls) {
      const body = await (await fetch(`${url}/hello`)).text();
      const rate = seconds
        ? `${Math.round(await load(url, seconds))
            .toLocaleString('en-US')
            .padStart(7)} req/s`
        : '';
      console.log(`${name.padEnd(10)} ${body} ${rate}`);
    }
  } finally {
    await Promise.all([new Promise((r) => node.close(r)), new Promise((r) => express.close(r)), fastify.close()]);
  }
  console.log(
    'Look for: the same body; Fastify close to bare node:http, Express well behind (load generator shares the CPU).',
  );
}
